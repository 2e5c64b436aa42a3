/**
 * How a benchmark reports its figures. Every bench/<name>.ts that `npm run bench` runs follows
 * these conventions:
 *
 * - Smoke mode: `QUORUM_BENCH_SMOKE=1` or `--smoke` (`isSmoke()`) runs the benchmark once at its
 *   smallest size (one round, one language, one level: seconds, not minutes). `npm test` runs every
 *   benchmark so (bench/smoke.test.ts, the "bench" suite) to prove it runs and emits well-formed
 *   figures; a smoke run never writes bench/results/.
 * - A benchmark ends with `await emitResults({ name, figures, targets, tables })`: `name` is the
 *   file's (bench/<name>.ts); `figures` are named raw numbers (ms, ratios, counts; null when not
 *   measured); `targets` say what was aimed at and whether it was met; `tables` are the README's
 *   tables, cells already formatted with their units. emitResults checks that shape (it throws on
 *   NaN, a row of the wrong width, an empty table), prints every table and one
 *   `target <what>: <value> (<limit>) MET|MISSED` line per target, and writes
 *   bench/results/<name>.json (full mode) or $QUORUM_BENCH_RESULTS_DIR/<name>.json (when set:
 *   the smoke test reads its figures back from a temp dir).
 * - The README quotes those files and nothing else: `npx tsx scripts/benchTables.ts --write`
 *   renders `tables[key]` between `<!-- bench:<name>/<key> -->` and `<!-- /bench:<name>/<key> -->`,
 *   or every table of a file between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`;
 *   `--check` (in the lint suite) fails when the README and the files disagree.
 * - A result names the machine's load and the commit it measured; never a key, a path under
 *   $HOME or anything else from the environment.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';

/** The value after `name` on a bench's command line (`--dump FILE`), if given. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** True in smoke mode: run once, at the smallest size. */
export function isSmoke(): boolean {
  return process.env.QUORUM_BENCH_SMOKE === '1' || process.argv.includes('--smoke');
}

/** A README table: column headings and rows of formatted cells. */
export interface ResultTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One target: the measured value against its limit. */
export interface ResultTarget {
  readonly what: string;
  readonly value: number;
  /** The limit as the README states it, e.g. `≤ 5x` or `≤ 150 ms`. */
  readonly limit: string;
  readonly met: boolean;
}

/** What a benchmark hands to emitResults. */
export interface ResultInput {
  readonly name: string;
  readonly figures: Readonly<Record<string, number | null>>;
  readonly targets?: readonly ResultTarget[];
  readonly tables: Readonly<Record<string, ResultTable>>;
  /** Anything the README says about the run besides the tables (sizes, images, rounds). */
  readonly notes?: Readonly<Record<string, string | number>>;
}

/** A results file: the input plus when, where and at which size it was measured. */
export interface BenchResults extends ResultInput {
  readonly smoke: boolean;
  readonly measuredAt: string;
  readonly commit: string;
  readonly machine: { readonly cores: number; readonly loadAverage: number };
  readonly targets: readonly ResultTarget[];
}

/** The problems with a results object's shape, empty when it is well-formed. */
export function resultProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const r = value as Partial<BenchResults>;
  if (typeof r.name !== 'string' || !/^[a-z][a-zA-Z0-9-]*$/.test(r.name))
    problems.push('name: not a bench name');
  if (typeof r.smoke !== 'boolean') problems.push('smoke: not a boolean');
  if (typeof r.measuredAt !== 'string' || Number.isNaN(Date.parse(r.measuredAt)))
    problems.push('measuredAt: not a date');
  if (typeof r.commit !== 'string') problems.push('commit: missing');
  if (typeof r.figures !== 'object' || r.figures === null || !Object.keys(r.figures).length)
    problems.push('figures: none');
  for (const [key, v] of Object.entries(r.figures ?? {})) {
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
      problems.push(`figures.${key}: ${String(v)} is not a finite number`);
  }
  for (const [i, t] of (r.targets ?? []).entries()) {
    if (typeof t.what !== 'string' || typeof t.limit !== 'string' || typeof t.met !== 'boolean')
      problems.push(`targets[${i}]: needs what, limit and met`);
    if (typeof t.value !== 'number' || !Number.isFinite(t.value))
      problems.push(`targets[${i}].value: ${String(t.value)} is not a finite number`);
  }
  if (typeof r.tables !== 'object' || r.tables === null || !Object.keys(r.tables).length)
    problems.push('tables: none');
  for (const [key, table] of Object.entries(r.tables ?? {})) {
    if (!/^[a-z][a-zA-Z0-9-]*$/.test(key)) problems.push(`tables.${key}: not a marker-safe key`);
    if (!Array.isArray(table.columns) || !table.columns.length) problems.push(`tables.${key}: no columns`);
    if (!Array.isArray(table.rows) || !table.rows.length) problems.push(`tables.${key}: no rows`);
    for (const [i, row] of (table.rows ?? []).entries()) {
      if (!Array.isArray(row) || row.length !== table.columns.length)
        problems.push(
          `tables.${key}.rows[${i}]: ${row?.length ?? 0} cells for ${table.columns.length} columns`,
        );
      else if (row.some((c) => typeof c !== 'string' || /\bNaN\b|undefined|\n/.test(c)))
        problems.push(`tables.${key}.rows[${i}]: a cell is not a one-line figure`);
    }
  }
  return problems;
}

/** A table as markdown, one line per row (the README's form). */
export function renderTable(table: ResultTable): string {
  // An empty cell is one space wide, as hand-written tables have it (`| | median |`).
  const line = (cells: readonly string[]): string => `|${cells.map((c) => (c ? ` ${c} ` : ' ')).join('|')}|`;
  const rule = `|${table.columns.map(() => '---').join('|')}|`;
  return [line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

/** The line under a rendered block: which run the figures come from. */
export function provenance(results: BenchResults): string {
  const day = results.measuredAt.slice(0, 10);
  return `*\`npm run bench:${results.name}\` at commit \`${results.commit}\`, ${day}, ${results.machine.cores} cores, load average ${results.machine.loadAverage} (bench/results/${results.name}.json).*`;
}

/** `MET`/`MISSED` beside a measured value and its limit. */
export function target(what: string, value: number, limit: string, met: boolean): ResultTarget {
  return { what, value, limit, met };
}

function headCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Where results go: $QUORUM_BENCH_RESULTS_DIR, else bench/results (never in smoke mode). */
function resultsDir(): string | undefined {
  const dir = process.env.QUORUM_BENCH_RESULTS_DIR;
  if (dir) return resolve(dir);
  return isSmoke() ? undefined : join(__dirname, 'results');
}

/**
 * Checks, prints and stores one benchmark's results (see the conventions above). Throws when
 * they are not well-formed, so a benchmark that measures nothing fails instead of writing it.
 */
export async function emitResults(input: ResultInput): Promise<BenchResults> {
  const results: BenchResults = {
    name: input.name,
    smoke: isSmoke(),
    measuredAt: new Date().toISOString(),
    commit: headCommit(),
    machine: { cores: availableParallelism(), loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
    figures: input.figures,
    targets: input.targets ?? [],
    tables: input.tables,
    ...(input.notes ? { notes: input.notes } : {}),
  };
  const problems = resultProblems(results);
  if (problems.length)
    throw new Error(`bench:${input.name} results are not well-formed: ${problems.join('; ')}`);
  for (const [key, table] of Object.entries(results.tables)) console.log(`\n${key}:\n${renderTable(table)}`);
  for (const t of results.targets)
    console.log(`target ${t.what}: ${t.value} (${t.limit}) ${t.met ? 'MET' : 'MISSED'}`);
  const dir = resultsDir();
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${input.name}.json`);
    // Formatted as the repository's Prettier would, so `prettier --check .` accepts the file.
    const options = (await resolveConfig(file)) ?? {};
    writeFileSync(file, await format(JSON.stringify(results), { ...options, filepath: file }));
    console.log(`\nbench:${input.name}: results in ${file}${results.smoke ? ' (smoke size)' : ''}`);
  }
  return results;
}
