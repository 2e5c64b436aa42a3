/** `quorum judge FILE`: judge given candidates (and tests) by running them in the sandbox. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildPipeline, withImage } from '../core/pipeline';
import type { Pipeline } from '../core/pipeline';
import { JudgeError, LANGUAGES, SandboxError } from '../core/types';
import type { CellResult, JudgeInput, Verdict } from '../core/types';
import { keyFromEnv, loadConfigFile } from './configFile';
import { EXIT, UsageError } from './io';
import { pullProgressPrinter } from './progress';
import { verdictJson } from '../core/verdictJson';
import type { CliIo, Subcommand } from './io';

/** The JSON shape lives in core (the gateway answers with it too); re-exported for the CLI's callers. */
export { verdictJson };

export const JUDGE_HELP = `Usage: quorum judge FILE [--json] [--image IMAGE] [--config FILE]

Runs every candidate in FILE (and every model's tests against every candidate) in the Docker
sandbox and prints the verdict: pick, strategy, confidence, reasons, ranking and pass matrix.

FILE is JSON: { "prompt", "language", "candidates": [ { "id", "model", "code" } ],
                "tests": [ { "id", "model", "code" } ], "context" }   (tests, context optional;
                other fields ignored)
Usage examples in the prompt or context (doctest ">>> f(x)" + value, "f(x) ==> y", "f(x) -> y",
"f(x) should return y", "Input: / Output:", JSDoc "f(x) // => y") become trusted cases: a
candidate failing one is never picked over one passing it. Marked * in the pass matrix.

Options:
  --json           one JSON object: { pick, strategy, confidence, ranking, reasons }
  --image IMAGE    sandbox image for the file's language
  --config FILE    config file (default: ./quorum.config.json); judge.model enables the LLM judge
  -h, --help       this help

Exit codes: 0 a verified pick, 1 nothing verified, 2 bad usage or malformed FILE.`;

const entry = z.object({ id: z.string().min(1), model: z.string(), code: z.string() });
/** Unknown fields (e.g. a benchmark's `reference_test`) are stripped here and never reach the judge. */
const fileSchema = z.object({
  prompt: z.string(),
  language: z.enum(LANGUAGES),
  candidates: z.array(entry).min(1),
  tests: z.array(entry).optional(),
  context: z.string().optional(),
});

/** Parses a judge file; throws `UsageError` naming the first bad field. */
export function parseJudgeFile(text: string): JudgeInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`not valid JSON: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    throw new UsageError(`bad field "${where || '(root)'}": ${issue.message}`);
  }
  const ids = parsed.data.candidates.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UsageError(`bad field "candidates": duplicate id "${dup}"`);
  return { ...parsed.data, tests: parsed.data.tests ?? [] };
}

const CELL: Record<CellResult, string> = { pass: '+', fail: 'x', error: 'E', timeout: 'T' };

export function renderVerdict(verdict: Verdict): string {
  const out: string[] = [];
  const label = verdict.unverified ? ' (UNVERIFIED)' : '';
  out.push(
    `pick: ${verdict.pick ?? 'none'}${label}   strategy: ${verdict.strategy}   confidence: ${verdict.confidence}`,
  );
  for (const reason of verdict.reasons) out.push(`  - ${reason}`);
  if (verdict.llm)
    out.push(`LLM judge (${verdict.llm.model}): ${verdict.llm.pick ?? 'none'} — ${verdict.llm.rationale}`);
  const width = Math.max(9, ...verdict.ranking.map((r) => r.id.length));
  out.push('', `${'candidate'.padEnd(width)}  score  ran  tests`);
  for (const r of verdict.ranking) {
    out.push(
      `${r.id.padEnd(width)}  ${r.score.toFixed(3)}  ${r.ran ? 'yes' : 'no '}  ${r.testsPassed}/${r.testsTotal}`,
    );
  }
  const matrix = verdict.matrix;
  if (matrix && matrix.cases.length > 0) {
    out.push(
      '',
      `pass matrix (+ pass, x fail, E error, T timeout; columns: ${matrix.cases.map((c) => (c.trusted ? `${c.id}*` : c.id)).join(' ')}${matrix.cases.some((c) => c.trusted) ? '; * your examples' : ''})`,
    );
    for (const r of verdict.ranking) {
      const row = matrix.cells[r.id] ?? {};
      out.push(`${r.id.padEnd(width)}  ${matrix.cases.map((c) => CELL[row[c.id] ?? 'error']).join('')}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export const judgeCommand: Subcommand = async (args, io: CliIo) => {
  let values: { json?: boolean; image?: string; config?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        image: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      io.stdout.write(`${JUDGE_HELP}\n`);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const file = path.resolve(io.cwd, positionals[0]);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
    }
    const input = parseJudgeFile(text);
    return await runJudge(input, values, io);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError && 'code' in error)) throw error;
    io.stderr.write(`quorum judge: ${error.message}\n(quorum judge --help for usage)\n`);
    return EXIT.usage;
  }
};

async function runJudge(
  input: JudgeInput,
  values: { json?: boolean; image?: string; config?: string },
  io: CliIo,
): Promise<number> {
  const { config, trust } = loadConfigFile(values.config, io.cwd, { env: io.env });
  let pipeline: Pipeline | undefined;
  try {
    pipeline = await buildPipeline({
      config: withImage(
        { ...config, sandbox: { ...config.sandbox, enabled: true } },
        input.language,
        values.image,
      ),
      models: [],
      keyFor: (model) => keyFromEnv(model, io.env, trust),
      env: io.env,
      requireSandbox: true,
      onWarning: (message) => io.stderr.write(`quorum judge: ${message}\n`),
      onPullProgress: pullProgressPrinter(io),
    });
    if (!pipeline.judge) throw new Error('no judge'); // requireSandbox: the builder threw instead
    const verdict = await pipeline.judge.judge(input);
    io.stdout.write(values.json ? `${JSON.stringify(verdictJson(verdict))}\n` : renderVerdict(verdict));
    return verdict.pick !== null && !verdict.unverified ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (!SandboxError.is(error) && !JudgeError.is(error)) throw error;
    io.stderr.write(`quorum judge: ${error.message}\n${error.advice}\n`);
    return EXIT.failed;
  } finally {
    await pipeline?.dispose();
  }
}
