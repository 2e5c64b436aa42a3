import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { extract as untar } from 'tar-stream';
import { ProjectError } from '../../../src/core/project/projectError';
import { findProjectRoot, relativeToRoot } from '../../../src/core/project/root';
import { exclusionOf, takeSnapshot } from '../../../src/core/project/snapshot';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** Every path and mtime under a folder: the user's tree, to prove it is left as it was. */
function treeState(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const p = dir ? `${dir}/${e.name}` : e.name;
      out.push(
        `${p} ${statSync(join(root, p)).mtimeMs} ${e.isFile() ? readFileSync(join(root, p), 'utf8').length : ''}`,
      );
      if (e.isDirectory()) visit(p);
    }
  };
  visit('');
  return out.sort();
}

async function archiveNames(archive: Uint8Array): Promise<string[]> {
  const names: string[] = [];
  await new Promise<void>((ok, fail) => {
    const x = untar();
    x.on('entry', (h, body, next) => {
      names.push(h.type === 'symlink' ? `${h.name} -> ${h.linkname}` : h.name);
      body.on('end', next);
      body.resume();
    });
    x.on('finish', ok);
    x.on('error', fail);
    x.end(Buffer.from(archive));
  });
  return names.sort();
}

const git = (root: string, ...args: string[]): void =>
  void execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-C', root, ...args], {
    stdio: 'ignore',
  });

describe("project snapshot: what of the user's project reaches the sandbox", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'quorum-snapshot-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("lists git's files plus untracked-not-ignored ones, ships node_modules, never secrets, and writes nothing", async () => {
    write(root, {
      '.gitignore': 'dist/\nnode_modules/\n*.log\n',
      'package.json': '{"name":"p","scripts":{"test":"node --test"}}',
      'src/cart.js': "const { round } = require('./money');\n",
      'src/money.js': 'exports.round = (x) => Math.round(x * 100) / 100;\n',
      'dist/cart.js': 'built',
      'debug.log': 'noise',
      '.env': 'QUORUM_FAKE_SECRET=do-not-ship',
      'config/Prod.PEM': 'key',
      'node_modules/left-pad/index.js': 'module.exports = 1;',
    });
    mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
    symlinkSync('../left-pad/index.js', join(root, 'node_modules/.bin/left-pad'));
    symlinkSync('/etc/passwd', join(root, 'node_modules/.bin/escape'));
    git(root, 'init', '-q');
    git(root, 'add', '.gitignore', 'package.json', 'src/cart.js', '.env');
    git(root, 'commit', '-q', '-m', 'init');
    write(root, { 'src/new.js': 'untracked, not ignored' });
    const before = treeState(root);
    const snap = await takeSnapshot({ root, language: 'javascript' });
    assert.equal(snap.listedBy, 'git');
    const names = snap.files.map((f) => f.path);
    assert.deepEqual(
      names.filter((n) => !n.startsWith('node_modules/')),
      ['.gitignore', 'package.json', 'src/cart.js', 'src/money.js', 'src/new.js'],
    );
    assert.deepEqual(snap.dependencies, ['node_modules']);
    assert.ok(names.includes('node_modules/left-pad/index.js'));
    assert.deepEqual(snap.excluded.map((e) => `${e.path}:${e.why}`).sort(), [
      '.env:secret',
      'config/Prod.PEM:secret',
      'node_modules/.bin/escape:ignored',
    ]);
    const inArchive = await archiveNames(snap.archive);
    assert.ok(inArchive.includes('node_modules/.bin/left-pad -> ../left-pad/index.js'));
    assert.ok(!inArchive.some((n) => n.includes('.env') || n.includes('escape') || n.includes('debug.log')));
    assert.deepEqual(treeState(root), before, "the snapshot changed the user's tree");
  });

  it('walks the folder honouring .gitignore when it is no git repository, and its id follows the content', async () => {
    write(root, {
      '.gitignore': 'build/\n',
      'pkg/.gitignore': '*.tmp\n',
      'pyproject.toml': '[project]\nname = "p"\n',
      'pkg/a.py': 'A = 1\n',
      'pkg/scratch.tmp': 'x',
      'build/out.py': 'x',
      id_rsa: 'private',
    });
    const one = await takeSnapshot({ root, language: 'python' });
    assert.equal(one.listedBy, 'walk');
    assert.deepEqual(
      one.files.map((f) => f.path),
      ['.gitignore', 'pkg/.gitignore', 'pkg/a.py', 'pyproject.toml'],
    );
    assert.deepEqual(one.excluded, [{ path: 'id_rsa', why: 'secret' }]);
    const same = await takeSnapshot({ root, language: 'python' });
    assert.equal(same.id, one.id);
    write(root, { 'pkg/a.py': 'A = 2\n' });
    assert.notEqual((await takeSnapshot({ root, language: 'python' })).id, one.id);
  });

  it("honours the user's exclusions and says which cap a too-large project passed and what to set", async () => {
    write(root, { 'a.py': 'x = 1\n', 'secrets/keys.py': 'K = 1\n', 'big.bin': 'x'.repeat(5000) });
    const snap = await takeSnapshot({ root, language: 'python', exclude: ['secrets/**'] });
    assert.deepEqual(snap.excluded, [{ path: 'secrets/keys.py', why: 'contextExclude' }]);
    await assert.rejects(takeSnapshot({ root, language: 'python', maxBytes: 4096 }), (e: unknown) => {
      assert.ok(ProjectError.is(e) && e.reason === 'over-cap');
      assert.match(e.advice, /quorum\.project\.maxBytes/);
      return true;
    });
    await assert.rejects(takeSnapshot({ root, language: 'python', maxFiles: 2 }), /more than 2 files/);
  });

  it('matches secret names case-insensitively', () => {
    for (const p of [
      '.ENV',
      '.env.local',
      'deploy/Server.Key',
      'home/id_ed25519.pub',
      'aws/Credentials',
      '.npmrc',
    ])
      assert.equal(exclusionOf(p, []), 'secret', p);
    assert.equal(exclusionOf('src/environment.py', []), undefined);
  });

  it('finds the nearest project root and refuses a file outside it', () => {
    write(root, {
      'pyproject.toml': '',
      'inventory/pricing.py': '',
      'web/package.json': '{}',
      'web/src/a.js': '',
    });
    assert.equal(findProjectRoot(join(root, 'inventory/pricing.py')), root);
    assert.equal(findProjectRoot(join(root, 'web/src/a.js')), join(root, 'web'));
    assert.equal(relativeToRoot(root, join(root, 'inventory/pricing.py')), 'inventory/pricing.py');
    assert.throws(
      () => relativeToRoot(join(root, 'web'), join(root, 'inventory/pricing.py')),
      /not inside the project/,
    );
  });
});
