/** `quorum stats`: each model's record from the asks this machine made, as a table, JSON or CSV. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  isAskOutcome,
  modelRecords,
  neverWins,
  outcomesCsv,
  recordSummaries,
  selectOutcomes,
} from '../core/records/modelRecord';
import type { AskOutcome, ModelRecord, RecordFilter } from '../core/records/modelRecord';
import { RecordStore, cliRecordsPath, loadModelRecords } from '../core/records/recordStore';
import type { StrategySettings } from '../core/strategy/plan';
import type { RunRecord } from '../core/types';
import { EXIT, UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const STATS_HELP = `Usage: quorum stats [options]

Each model's record over the asks made with \`quorum ask\` and \`quorum mcp\` on this machine: asks,
picks, win rate, verified answers, project tests fixed and broken, median latency, cost and wins per
dollar.

Options:
  --workspace DIR   only asks made in DIR or below it (. for the current folder)
  --since DATE      only asks on or after DATE (YYYY-MM-DD or ISO 8601)
  --include-demo    count the recorded demo's asks too
  --csv FILE        write the records as CSV to FILE (overall, then per workspace)
  --json            print the records as one JSON document
  --file FILE       the records file (default: $QUORUM_DATA_DIR, else $XDG_DATA_HOME/quorum,
                    else ~/.local/share/quorum, then model-records.jsonl)
  --gateway URL     a gateway's records instead (quorum serve: GET /v1/records, its asks of
                    your token, or every token's for an admin token); the token from
                    QUORUM_GATEWAY_TOKEN, else QUORUM_SERVER_TOKEN
  -h, --help        this help

Every finished ask of \`quorum ask\`, \`quorum demo\` and \`quorum mcp\`'s ask_models is recorded
there (ids, counts, latency and cost only: never the prompt, an answer or code); QUORUM_RECORDS=off
turns that off.
Exit codes: 0 ok, 1 the gateway could not be read, 2 bad usage.`;

/** Records a finished ask in the CLI's records file; a failure is a warning, never the command's. */
export async function recordAsk(record: RunRecord, io: CliIo): Promise<void> {
  await recordInCliStore(record, io.env, io.cwd, (message) => void io.stderr.write(`quorum: ${message}\n`));
}

/**
 * Adds a finished ask to this user's records file (`cliRecordsPath`): `quorum ask`, `quorum demo`
 * and `quorum mcp`'s ask_models. The ask's workspace is its project's root, else `cwd`. A failure
 * goes to `warn`, never to the caller.
 */
export async function recordInCliStore(
  record: RunRecord,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  warn: (message: string) => void,
): Promise<void> {
  const path = cliRecordsPath(env);
  if (!path) return;
  try {
    await new RecordStore(path).addRecord(record, record.project?.root ?? cwd);
  } catch (error) {
    warn(`could not record the ask in ${path}: ${(error as Error).message}`);
  }
}

/**
 * A cascade or budget ask orders the models by this user's records (wins per dollar; `quorum
 * stats`) when there are some; without, by price. A records file that cannot be read is left out.
 */
export async function withCliRecords(
  settings: StrategySettings | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<StrategySettings | undefined> {
  const path = cliRecordsPath(env);
  if (!settings || settings.strategy === 'all' || settings.records || !path) return settings;
  try {
    return { ...settings, records: recordSummaries(await loadModelRecords(path)) };
  } catch {
    return settings;
  }
}

/** A gateway's outcomes (GET /v1/records), or what went wrong in words with what to do. */
async function gatewayOutcomes(
  url: string,
  token: string | undefined,
  since: string | undefined,
): Promise<{ outcomes: AskOutcome[] } | { error: string }> {
  const target = since ? `${url}?since=${encodeURIComponent(since)}` : url;
  let response: Response;
  try {
    response = await fetch(target, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return { error: `cannot reach ${url}: ${(error as Error).message}. Is quorum serve running there?` };
  }
  const body = (await response.json().catch(() => undefined)) as
    { outcomes?: unknown; message?: string; advice?: string } | undefined;
  if (!response.ok) {
    const why = body?.message ? `${body.message} ${body.advice ?? ''}`.trim() : response.statusText;
    const hint =
      response.status === 401 && !token ? ' Set QUORUM_GATEWAY_TOKEN (or QUORUM_SERVER_TOKEN).' : '';
    return { error: `${url} answered ${response.status}: ${why}${hint}` };
  }
  if (!Array.isArray(body?.outcomes)) return { error: `${url} sent no outcomes: is it a Quorum gateway?` };
  return { outcomes: body.outcomes.filter(isAskOutcome) };
}

const usd = (r: ModelRecord): string => {
  if (r.pricedAsks === 0) return '—';
  if (r.free) return '$0';
  return `$${r.costUsd < 0.01 ? r.costUsd.toFixed(4) : r.costUsd.toFixed(2)}`;
};

const perDollar = (r: ModelRecord): string => {
  const v = r.winsPerDollar;
  if (v === undefined) return '—';
  if (v === Infinity) return 'free';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
};

const ms = (v: number | undefined): string =>
  v === undefined ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;

/** The table, columns aligned; numbers to the right. */
export function statsTable(records: readonly ModelRecord[]): string {
  const head = [
    'model',
    'asks',
    'picks',
    'win rate',
    'verified',
    'fixes',
    'regressions',
    'median latency',
    'cost',
    'wins/$',
  ];
  const rows = records.map((r) => [
    r.modelId,
    String(r.asks),
    String(r.picks),
    `${(r.winRate * 100).toFixed(0)}%`,
    String(r.verified),
    r.editAsks ? String(r.fixes) : '—',
    r.editAsks ? String(r.regressions) : '—',
    ms(r.medianLatencyMs),
    usd(r),
    perDollar(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export const statsCommand: Subcommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      workspace: { type: 'string' },
      since: { type: 'string' },
      'include-demo': { type: 'boolean' },
      csv: { type: 'string' },
      json: { type: 'boolean' },
      file: { type: 'string' },
      gateway: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(STATS_HELP + '\n');
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
    throw new UsageError(`--since: "${values.since}" is not a date (YYYY-MM-DD)`);
  if (values.gateway !== undefined && values.file !== undefined)
    throw new UsageError('--gateway and --file are exclusive');
  if (values.gateway !== undefined && !/^https?:\/\/[^/]/.test(values.gateway))
    throw new UsageError(`--gateway: "${values.gateway}" is not an http(s) URL`);
  const path = values.gateway
    ? `${values.gateway.replace(/\/+$/, '')}/v1/records`
    : values.file
      ? resolve(io.cwd, values.file)
      : cliRecordsPath(io.env);
  if (!path)
    throw new UsageError(
      'no records folder: set QUORUM_DATA_DIR (or HOME / XDG_DATA_HOME), or pass --file FILE',
    );
  const filter: RecordFilter = {
    workspace: values.workspace === undefined ? undefined : resolve(io.cwd, values.workspace),
    includeDemo: values['include-demo'] ?? false,
    since: values.since === undefined ? undefined : new Date(values.since).toISOString(),
  };
  let outcomes: AskOutcome[];
  if (values.gateway) {
    const token = io.env.QUORUM_GATEWAY_TOKEN || io.env.QUORUM_SERVER_TOKEN;
    const read = await gatewayOutcomes(path, token, filter.since);
    if ('error' in read) {
      io.stderr.write(`quorum stats: ${read.error}\n`);
      return EXIT.failed;
    }
    outcomes = read.outcomes;
  } else {
    const stored = await new RecordStore(path).read();
    if (stored.skipped)
      io.stderr.write(`quorum stats: skipped ${stored.skipped} unreadable line(s) of ${path}\n`);
    outcomes = stored.outcomes;
  }
  const records = modelRecords(outcomes, filter);
  const asks = selectOutcomes(outcomes, filter).length;
  if (values.csv) {
    const target = resolve(io.cwd, values.csv);
    writeFileSync(target, outcomesCsv(outcomes, filter), 'utf8');
    io.stderr.write(`quorum stats: wrote ${records.length} model(s) to ${target}\n`);
  }
  if (values.json) {
    const json = {
      file: path,
      workspace: filter.workspace ?? null,
      since: filter.since ?? null,
      includeDemo: filter.includeDemo ?? false,
      asks,
      // JSON has no Infinity: a model that wins for free has winsPerDollar null and free true.
      models: records.map((r) => ({
        ...r,
        winsPerDollar: r.winsPerDollar === undefined || r.winsPerDollar === Infinity ? null : r.winsPerDollar,
      })),
    };
    io.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return EXIT.ok;
  }
  if (values.csv) return EXIT.ok;
  const scope = filter.workspace ? ` in ${filter.workspace}` : '';
  if (records.length === 0) {
    io.stdout.write(
      `No asks recorded${scope} yet (${path}). Each finished \`quorum ask\` adds to the record.\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(`${asks} ask(s)${scope}, ${path}\n\n`);
  io.stdout.write(statsTable(records));
  const idle = neverWins(records);
  if (idle.length)
    io.stdout.write(
      `\nNever picked in ${idle.map((r) => `${r.judgedAsks} asks: ${r.modelId}`).join('; ')} — ` +
        'consider disabling it ("enabled": false in the config).\n',
    );
  return EXIT.ok;
};
