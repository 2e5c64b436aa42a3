/**
 * The README's benchmark tables come from bench/results/<name>.json (written by `npm run bench`,
 * conventions in bench/results.ts). Between `<!-- bench:<name>/<key> -->` and
 * `<!-- /bench:<name>/<key> -->` stands table <key> of <name>.json; between `<!-- bench:<name> -->`
 * and `<!-- /bench:<name> -->` every table of it, in the file's order, a blank line apart.
 *
 *   npx tsx scripts/benchTables.ts --check   exit 1 when a marked table differs from its file, a
 *                                            marker names a missing file or table, or a file is
 *                                            not well-formed (the lint suite runs this)
 *   npx tsx scripts/benchTables.ts --write   rewrite the marked tables from the files
 *
 * Only the text between markers is touched. A README without markers passes the check.
 * Options: --readme FILE (default README.md), --results DIR (default bench/results).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTable, resultProblems, type BenchResults } from '../bench/results';

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
    return { text: `${Object.values(results.tables).map(renderTable).join('\n\n')}\n` };
  }
  const table = results.tables[key];
  if (!table)
    return { error: `${file} has no table "${key}" (it has ${Object.keys(results.tables).join(', ')})` };
  return { text: `${renderTable(table)}\n` };
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

function main(): number {
  const argv = process.argv.slice(2);
  const option = (flag: string, fallback: string): string => {
    const i = argv.indexOf(flag);
    return (i >= 0 ? argv[i + 1] : undefined) ?? fallback;
  };
  const readmeFile = resolve(option('--readme', 'README.md'));
  const dir = resolve(option('--results', 'bench/results'));
  const write = argv.includes('--write');
  if (!write && !argv.includes('--check')) {
    console.error('usage: npx tsx scripts/benchTables.ts --check | --write [--readme FILE] [--results DIR]');
    return 2;
  }
  const readme = readFileSync(readmeFile, 'utf8');
  const { text, stale, errors, markers } = renderReadme(readme, dir);
  for (const e of errors) console.error(`benchTables: ${e}`);
  if (write) {
    if (text !== readme) writeFileSync(readmeFile, text);
    console.log(`benchTables: ${stale.length} of ${markers} marked tables rewritten in ${readmeFile}`);
    return errors.length ? 1 : 0;
  }
  for (const s of stale)
    console.error(
      `benchTables: ${s} in ${readmeFile} differs from its results file; run npx tsx scripts/benchTables.ts --write`,
    );
  if (!errors.length && !stale.length) console.log(`benchTables: ${markers} marked tables agree with ${dir}`);
  return errors.length || stale.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
