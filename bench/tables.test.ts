/**
 * scripts/benchTables.ts: the README's marked tables are rendered from bench/results/*.json, and
 * the check names every table that disagrees, every marker without a file or table, and smoke
 * figures passed off as full ones. Runs in the bench suite beside the smoke runs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderReadme } from '../scripts/benchTables';
import { provenance, type BenchResults } from './results';

const REPO = resolve(__dirname, '..');

function results(over: Partial<BenchResults> = {}): BenchResults {
  return {
    name: 'sandbox',
    smoke: false,
    measuredAt: '2026-12-02T12:00:00.000Z',
    commit: 'abc1234',
    machine: { cores: 2, loadAverage: 3.1 },
    figures: { warmMs: 4.5 },
    targets: [{ what: 'warm / bare', value: 0.11, limit: '≤ 5x', met: true }],
    tables: {
      medians: { columns: ['', 'median'], rows: [['warm-pool run', '4.5 ms']] },
      ratios: { columns: ['ratio', 'measured'], rows: [['warm / bare', '0.11x']] },
    },
    ...over,
  };
}

const MEDIANS = '| | median |\n|---|---|\n| warm-pool run | 4.5 ms |\n';
const RATIOS = '| ratio | measured |\n|---|---|\n| warm / bare | 0.11x |\n';

describe('README benchmark tables from bench/results (scripts/benchTables.ts)', function () {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-bench-tables-'));
    writeFileSync(join(dir, 'sandbox.json'), JSON.stringify(results()));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders one table per <name>/<key> marker and leaves the text around it alone', () => {
    const readme =
      'intro\n<!-- bench:sandbox/medians -->\nold figures\n<!-- /bench:sandbox/medians -->\noutro\n';
    const { text, stale, errors } = renderReadme(readme, dir);
    assert.deepEqual(errors, []);
    assert.deepEqual(stale, ['bench:sandbox/medians']);
    assert.equal(
      text,
      `intro\n<!-- bench:sandbox/medians -->\n${MEDIANS}\n${provenance(results())}\n<!-- /bench:sandbox/medians -->\noutro\n`,
    );
  });

  it('renders every table of a file for a <name> marker, and a rendered README checks clean', () => {
    const readme = '<!-- bench:sandbox -->\n<!-- /bench:sandbox -->\n';
    const first = renderReadme(readme, dir);
    assert.ok(first.text.includes('| warm-pool run | 4.5 ms |\n\n| ratio | measured |'));
    assert.ok(first.text.endsWith(`${RATIOS}\n${provenance(results())}\n<!-- /bench:sandbox -->\n`));
    assert.match(provenance(results()), /at commit `abc1234`, 2026-12-02, 2 cores, load average 3\.1/);
    const again = renderReadme(first.text, dir);
    assert.deepEqual([again.stale, again.errors, again.markers], [[], [], 1]);
  });

  it('names a missing file, a missing table, smoke figures and a marker left open', () => {
    writeFileSync(join(dir, 'ask.json'), JSON.stringify(results({ name: 'ask', smoke: true })));
    const readme = [
      '<!-- bench:judge -->\n<!-- /bench:judge -->',
      '<!-- bench:sandbox/cpu -->\n<!-- /bench:sandbox/cpu -->',
      '<!-- bench:ask -->\n<!-- /bench:ask -->',
      '<!-- bench:serve/load -->\nno end',
    ].join('\n');
    const { errors, text } = renderReadme(readme, dir);
    assert.equal(text, readme);
    assert.equal(errors.length, 4, errors.join('\n'));
    assert.match(errors[0] ?? '', /judge\.json does not exist \(run npm run bench:judge\)/);
    assert.match(errors[1] ?? '', /has no table "cpu" \(it has medians, ratios\)/);
    assert.match(errors[2] ?? '', /smoke-size figures/);
    assert.match(errors[3] ?? '', /no closing <!-- \/bench:serve\/load -->/);
  });

  it('refuses a results file that is not well-formed', () => {
    const bad = results();
    writeFileSync(
      join(dir, 'sandbox.json'),
      JSON.stringify({ ...bad, tables: { medians: { columns: ['a', 'b'], rows: [['only one']] } } }),
    );
    const { errors } = renderReadme('<!-- bench:sandbox -->\n<!-- /bench:sandbox -->\n', dir);
    assert.match(errors[0] ?? '', /rows\[0\]: 1 cells for 2 columns/);
  });

  it('--check exits 1 on a stale table and 0 once --write has rendered it', function () {
    this.timeout(60_000);
    const readmeFile = join(dir, 'README.md');
    writeFileSync(readmeFile, '<!-- bench:sandbox/ratios -->\n| stale |\n<!-- /bench:sandbox/ratios -->\n');
    const run = (flag: string): number => {
      try {
        execFileSync(
          process.execPath,
          [
            '--import',
            'tsx',
            join(REPO, 'scripts/benchTables.ts'),
            flag,
            '--readme',
            readmeFile,
            '--results',
            dir,
          ],
          { stdio: 'pipe' },
        );
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    assert.equal(run('--check'), 1);
    assert.equal(run('--write'), 0);
    assert.ok(readFileSync(readmeFile, 'utf8').includes(RATIOS));
    assert.equal(run('--check'), 0);
  });
});
