/**
 * The benchmark tables of README.md and docs/*.md come from bench/results/<name>.json (written by `npm run bench`,
 * conventions in bench/results.ts). Between `<!-- bench:<name>/<key> -->` and
 * `<!-- /bench:<name>/<key> -->` stands table <key> of <name>.json; between `<!-- bench:<name> -->`
 * and `<!-- /bench:<name> -->` every table of it, in the file's order, a blank line apart.
 *
 *   npx tsx scripts/benchTables.ts --check   exit 1 when a marked table differs from its file, a
 *                                            marker names a missing file or table, or a file is
 *                                            not well-formed (the lint suite runs this)
 *   npx tsx scripts/benchTables.ts --write   rewrite the marked tables from the files
 *
 * Each rendered block ends with a line naming the run (commit, date, load). Only the text between
 * markers is touched; a page without markers passes the check.
 * Options: --readme FILE (one page instead of README.md and docs/*.md), --results DIR (default
 * bench/results).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { provenance, renderTable, resultProblems, type BenchResults } from '../bench/results';

/** Groups: opening marker line, name, key (or none), the text between, closing marker. */
const MARKER =
  /(<!-- bench:([a-zA-Z0-9-]+)(?:\/([a-zA-Z0-9-]+))? -->\n)([\s\S]*?)(<!-- \/bench:\2(?:\/\3)? -->)/g;

/** The text a marker pair should hold, or why it cannot be rendered. */
function rendered(dir: string, name: string, key: string | undefined): { text: string } | { error: string } {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) return { error: `${file} does not exist (run npm run bench:${name})` };
  let results: BenchResults;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  } catch (error) {
    return { error: `${file} is not JSON: ${(error as Error).message}` };
  }
  const problems = resultProblems(results);
  if (problems.length) return { error: `${file} is not well-formed: ${problems.join('; ')}` };
  if (results.smoke) return { error: `${file} holds smoke-size figures; run npm run bench:${name}` };
  if (key === undefined) {
    return {
      text: `${Object.values(results.tables).map(renderTable).join('\n\n')}\n\n${provenance(results)}\n`,
    };
  }
  const table = results.tables[key];
  if (!table)
    return { error: `${file} has no table "${key}" (it has ${Object.keys(results.tables).join(', ')})` };
  return { text: `${renderTable(table)}\n\n${provenance(results)}\n` };
}

/** The README with every marked table rendered, and the markers that disagreed or failed. */
export function renderReadme(
  readme: string,
  dir: string,
): { text: string; stale: string[]; errors: string[]; markers: number } {
  const stale: string[] = [];
  const errors: string[] = [];
  let markers = 0;
  const text = readme.replace(MARKER, (...m: (string | undefined)[]) => {
    const [whole = '', open = '', name = '', key, body = '', close = ''] = m;
    markers += 1;
    const label = key ? `${name}/${key}` : name;
    const want = rendered(dir, name, key);
    if ('error' in want) {
      errors.push(`bench:${label}: ${want.error}`);
      return whole;
    }
    if (body !== want.text) stale.push(`bench:${label}`);
    return `${open}${want.text}${close}`;
  });
  // An opening marker whose closing one is missing (or misspelled) matches nothing above.
  const opened = [...readme.matchAll(/<!-- bench:([a-zA-Z0-9/-]+) -->/g)].map((m) => m[1]);
  for (const label of opened) {
    if (!readme.includes(`<!-- /bench:${label} -->`))
      errors.push(`bench:${label}: no closing <!-- /bench:${label} -->`);
  }
  return { text, stale, errors, markers };
}

/** README.md and docs/*.md: every page that may quote a benchmark. */
function defaultPages(): string[] {
  const docs = existsSync('docs') ? readdirSync('docs').filter((f) => f.endsWith('.md')) : [];
  return ['README.md', ...docs.map((f) => join('docs', f))].filter((f) => existsSync(f));
}

function main(): number {
  const argv = process.argv.slice(2);
  const option = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const readme = option('--readme');
  const pages = (readme ? [readme] : defaultPages()).map((f) => resolve(f));
  const dir = resolve(option('--results') ?? 'bench/results');
  const write = argv.includes('--write');
  if (!write && !argv.includes('--check')) {
    console.error('usage: npx tsx scripts/benchTables.ts --check | --write [--readme FILE] [--results DIR]');
    return 2;
  }
  let failed = false;
  let total = 0;
  for (const page of pages) {
    const before = readFileSync(page, 'utf8');
    const { text, stale, errors, markers } = renderReadme(before, dir);
    total += markers;
    for (const e of errors) console.error(`benchTables: ${page}: ${e}`);
    failed ||= errors.length > 0;
    if (write) {
      if (text !== before) writeFileSync(page, text);
      if (markers)
        console.log(`benchTables: ${stale.length} of ${markers} marked tables rewritten in ${page}`);
      continue;
    }
    for (const s of stale)
      console.error(
        `benchTables: ${s} in ${page} differs from its results file; run npx tsx scripts/benchTables.ts --write`,
      );
    failed ||= stale.length > 0;
  }
  if (!write && !failed) console.log(`benchTables: ${total} marked tables agree with ${dir}`);
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
