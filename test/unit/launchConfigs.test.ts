// The clone's F5 configurations (.vscode/launch.json, tasks.json): every reference in them resolves
// to something the repository really builds or ships, so F5 cannot silently rot. The one shell task
// (the sample copy for "Extension Tests") is run for real in a temporary folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

const ROOT = join(__dirname, '../..');

interface LaunchConfig {
  name: string;
  type: string;
  program?: string;
  args?: string[];
  runtimeArgs?: string[];
  env?: Record<string, string>;
  outFiles?: string[];
  preLaunchTask?: string;
}
interface Task {
  label: string;
  type: string;
  script?: string;
  command?: string;
  args?: string[];
  dependsOn?: string[];
  problemMatcher?: string | string[];
}

function jsonc<T>(file: string): T {
  const errors: ParseError[] = [];
  const value = parse(readFileSync(join(ROOT, file), 'utf8'), errors, { allowTrailingComma: false }) as T;
  assert.deepEqual(
    errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`),
    [],
    `${file} does not parse`,
  );
  return value;
}

const launch = jsonc<{ configurations: LaunchConfig[] }>('.vscode/launch.json');
const tasks = jsonc<{ tasks: Task[] }>('.vscode/tasks.json').tasks;
const recommended = jsonc<{ recommendations: string[] }>('.vscode/extensions.json').recommendations;
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** `${workspaceFolder}/x` as a path relative to the clone, or undefined for anything else. */
function inClone(value: string): string | undefined {
  if (value === '${workspaceFolder}') return '.';
  const m = /^\$\{workspaceFolder\}\/(.+)$/.exec(value);
  return m?.[1];
}

/** The files esbuild.config.mjs writes (its `builds`), relative to the clone. */
async function bundleOutputs(): Promise<{ outfile: string; entryPoints?: string[] }[]> {
  const config = (await import(join(ROOT, 'esbuild.config.mjs'))) as {
    builds: { outfile: string; entryPoints?: string[] }[];
  };
  return config.builds;
}

describe('F5 configurations (.vscode)', () => {
  it('has the configurations a contributor needs, each of a known type', () => {
    const names = launch.configurations.map((c) => c.name);
    for (const want of ['Run Extension', 'Extension Tests', 'Debug the CLI', 'Debug the unit tests'])
      assert.ok(names.includes(want), `no "${want}" configuration`);
    for (const c of launch.configurations)
      assert.ok(['extensionHost', 'node'].includes(c.type), `${c.name}: ${c.type}`);
  });

  it('every preLaunchTask and dependsOn names a task, and every npm task a package.json script', () => {
    const labels = new Set(tasks.map((t) => t.label));
    for (const c of launch.configurations)
      if (c.preLaunchTask) assert.ok(labels.has(c.preLaunchTask), `${c.name}: no task "${c.preLaunchTask}"`);
    for (const t of tasks) {
      for (const d of t.dependsOn ?? []) assert.ok(labels.has(d), `${t.label}: depends on missing "${d}"`);
      if (t.type === 'npm')
        assert.ok(t.script && scripts[t.script], `${t.label}: no npm script "${t.script}"`);
    }
    const debuggable = launch.configurations.filter((c) => c.outFiles?.length);
    for (const c of debuggable)
      assert.ok(
        c.preLaunchTask,
        `${c.name} debugs dist/ bundles but builds nothing first (no preLaunchTask)`,
      );
  });

  it('the esbuild problem matchers come with a recommended extension', () => {
    const usesEsbuild = tasks.some((t) =>
      [t.problemMatcher ?? []].flat().some((m) => m.startsWith('$esbuild')),
    );
    assert.ok(usesEsbuild);
    assert.ok(recommended.includes('connor4312.esbuild-problem-matchers'));
  });

  it('every program, test bundle and folder a configuration names is built by esbuild.config.mjs or is in the clone', async () => {
    const outputs = await bundleOutputs();
    const built = new Map(outputs.map((b) => [relative(ROOT, join(ROOT, b.outfile)), b.entryPoints ?? []]));
    const refs: string[] = [];
    for (const c of launch.configurations) {
      if (c.program) refs.push(c.program);
      for (const a of [...(c.args ?? []), ...(c.runtimeArgs ?? [])]) {
        const m = /^--(?:extensionDevelopmentPath|extensionTestsPath)=(.+)$/.exec(a);
        if (m) refs.push(m[1]);
        else if (a.startsWith('${workspaceFolder}/') && !a.includes('.test-output')) refs.push(a);
      }
      const config = c.args?.[c.args.indexOf('--config') + 1];
      if (c.args?.includes('--config') && config) refs.push(`\${workspaceFolder}/${config}`);
    }
    assert.ok(refs.length >= 6, refs.join(', '));
    for (const ref of refs) {
      const path = inClone(ref);
      assert.ok(path, `${ref} is not under the workspace folder`);
      if (path.startsWith('dist/')) {
        const entries = built.get(path);
        assert.ok(
          entries,
          `${path} is not an esbuild.config.mjs output (outputs: ${[...built.keys()].join(', ')})`,
        );
        for (const e of entries) assert.ok(existsSync(join(ROOT, e)), `${path}'s entry ${e} is missing`);
      } else {
        assert.ok(existsSync(join(ROOT, path)), `${path} does not exist`);
      }
    }
  });

  it('the CLI configuration runs a real command on an image the offline build makes', () => {
    const cli = launch.configurations.find((c) => c.name === 'Debug the CLI');
    const [command, ...rest] = cli?.args ?? [];
    const usage = readFileSync(join(ROOT, 'src/cli.ts'), 'utf8');
    assert.match(usage, new RegExp(`^\\s+${command}\\s`, 'm'), `quorum has no "${command}" command`);
    const image = rest[rest.indexOf('--image') + 1];
    assert.ok(image, 'no --image');
    assert.ok(
      readFileSync(join(ROOT, 'scripts/buildSandboxImages.sh'), 'utf8').includes(image),
      `${image} is not built`,
    );
  });

  it('"Extension Tests" opens the folder its suite is told about, in a profile of its own', () => {
    const c = launch.configurations.find((x) => x.name === 'Extension Tests');
    assert.ok(c?.args && c.env);
    const folder = c.args.at(-1);
    assert.equal(c.env.QUORUM_INTEGRATION_FOLDER, folder);
    assert.ok(c.args.some((a) => a.startsWith('--user-data-dir=${workspaceFolder}/.test-output/')));
    assert.ok(c.args.includes('--disable-extensions'));
    // The loop check reads the expected version as a prefix of the running one.
    assert.match(
      readFileSync(join(ROOT, 'test/integration/loopCheck.test.ts'), 'utf8'),
      /QUORUM_EXPECTED_VSCODE/,
    );
  });

  it('the sample-copy task, run as VS Code runs it, leaves a fresh copy of sample/ where the suite opens it', function () {
    this.timeout(20_000);
    const copy = tasks.find((t) => t.label === 'copy sample for extension tests');
    assert.ok(copy?.command === 'node' && copy.args);
    const folder = inClone(
      launch.configurations.find((c) => c.name === 'Extension Tests')?.args?.at(-1) ?? '',
    );
    assert.ok(folder);
    const clone = mkdtempSync(join(tmpdir(), 'quorum-launch-'));
    try {
      cpSync(join(ROOT, 'sample'), join(clone, 'sample'), { recursive: true });
      cpSync(join(ROOT, 'sample'), join(clone, folder), { recursive: true });
      writeFileSync(join(clone, folder, 'stale-from-last-run.txt'), 'x');
      execFileSync(process.execPath, copy.args, { cwd: clone, stdio: 'pipe' });
      const list = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();
      assert.deepEqual(list(join(clone, folder)), list(join(ROOT, 'sample')));
      for (const f of list(join(ROOT, 'sample')).filter((f) => f.endsWith('.py')))
        assert.equal(
          readFileSync(join(clone, folder, f), 'utf8'),
          readFileSync(join(ROOT, 'sample', f), 'utf8'),
        );
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
