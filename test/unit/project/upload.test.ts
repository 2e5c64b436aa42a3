/**
 * The project upload of a gateway edit ask (core/project/upload.ts): the client's pack of a real
 * snapshot unpacks to the same files; the gateway's unpack refuses what could write outside its
 * folder (absolute and ../ paths, links, hard links) and what is over its caps, and never writes
 * .git or devcontainer files. Temp folders are this test's own.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { takeSnapshot } from '../../../src/core/project/snapshot';
import { UploadError, packUpload, unpackUpload } from '../../../src/core/project/upload';

const CAPS = { maxBytes: 1024 * 1024, maxFiles: 100 };

interface Entry {
  readonly name: string;
  readonly body?: string;
  readonly type?: 'file' | 'symlink' | 'link';
  readonly linkname?: string;
}

async function tarGz(entries: readonly Entry[]): Promise<Buffer> {
  const packer = pack();
  const chunks: Buffer[] = [];
  packer.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((ok) => packer.on('end', () => ok()));
  for (const { body, ...header } of entries) packer.entry(header, body ?? '');
  packer.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

async function refusal(archive: Buffer, dest?: string, caps = CAPS): Promise<UploadError> {
  try {
    await unpackUpload(archive, dest, caps);
  } catch (error) {
    assert.ok(UploadError.is(error), String(error));
    return error;
  }
  assert.fail('the archive was taken');
}

describe('project upload: pack and unpack', () => {
  const dirs: string[] = [];
  const temp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-upload-unit-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a snapshot packed by the client unpacks to the same files; secrets and links are not sent', async () => {
    const root = temp();
    mkdirSync(join(root, 'pkg'));
    writeFileSync(join(root, 'pkg', 'calc.py'), 'def add(a, b):\n    return a - b\n');
    writeFileSync(join(root, 'test_calc.py'), 'import unittest\n');
    writeFileSync(join(root, '.env'), 'API_KEY=secret\n');
    symlinkSync('pkg/calc.py', join(root, 'alias.py'));
    const snapshot = await takeSnapshot({ root, language: 'python' });
    const { archive, links } = await packUpload(snapshot);
    assert.deepEqual(links, ['alias.py']);
    const dest = temp();
    const { files, paths } = await unpackUpload(archive, dest, CAPS);
    assert.equal(files, 2);
    assert.deepEqual([...paths].sort(), ['pkg/calc.py', 'test_calc.py']);
    assert.equal(readFileSync(join(dest, 'pkg', 'calc.py'), 'utf8'), 'def add(a, b):\n    return a - b\n');
    assert.ok(!existsSync(join(dest, '.env')));
    // A dry run (the gateway's check before it accepts) reads the same and writes nothing.
    const dry = await unpackUpload(archive, undefined, CAPS);
    assert.deepEqual([...dry.paths].sort(), ['pkg/calc.py', 'test_calc.py']);
  });

  it('refuses ../, absolute and backslash paths, naming the entry, and writes nothing outside', async () => {
    for (const name of ['../evil.py', 'a/../../evil.py', '/etc/evil.py', 'a\\..\\evil.py']) {
      const parent = temp();
      const dest = join(parent, 'dest');
      mkdirSync(dest);
      const error = await refusal(
        await tarGz([
          { name: 'ok.py', body: '1' },
          { name, body: 'x' },
        ]),
        dest,
      );
      assert.equal(error.reason, 'unsafe-entry', name);
      assert.equal(error.entry, name);
      assert.deepEqual(readdirSync(parent), ['dest']);
    }
  });

  it('refuses links and hard links', async () => {
    const sym = await refusal(await tarGz([{ name: 'l', type: 'symlink', linkname: '/etc/passwd' }]));
    assert.equal(sym.reason, 'unsafe-entry');
    assert.match(sym.message, /symlink entry: "l"/);
    const hard = await refusal(await tarGz([{ name: 'h', type: 'link', linkname: 'x' }]));
    assert.match(hard.message, /link entry: "h"/);
  });

  it('is too-large past the unpacked bytes or the file count, and bad-archive when not a tar.gz', async () => {
    const bytes = await refusal(await tarGz([{ name: 'big.py', body: 'x'.repeat(2048) }]), undefined, {
      maxBytes: 1024,
      maxFiles: 10,
    });
    assert.equal(bytes.reason, 'too-large');
    assert.match(bytes.message, /more than 1 KiB unpacked/);
    assert.match(bytes.advice, /project\.maxBytes/);
    const count = await refusal(
      await tarGz([1, 2, 3].map((i) => ({ name: `f${i}.py`, body: '' }))),
      undefined,
      { maxBytes: 1024, maxFiles: 2 },
    );
    assert.match(count.message, /more than 2 files/);
    assert.equal((await refusal(Buffer.from('plain text'))).reason, 'bad-archive');
    assert.equal((await refusal(gzipSync(Buffer.from('not a tar at all')))).reason, 'bad-archive');
  });

  it('never writes .git or devcontainer files', async () => {
    const dest = temp();
    await unpackUpload(
      await tarGz([
        { name: 'app.py', body: '1' },
        { name: '.git/config', body: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
        { name: '.devcontainer/devcontainer.json', body: '{"image": "evil/image"}' },
        { name: '.devcontainer.json', body: '{"image": "evil/image"}' },
      ]),
      dest,
      CAPS,
    );
    assert.deepEqual(readdirSync(dest), ['app.py']);
  });
});
