/**
 * Project asks through the gateway (issue 27 item 5): POST /v1/runs with the project as a tar.gz,
 * as `quorum ask --file F --project DIR --server URL` sends it. The real gateway unpacks it, runs
 * the edit ask exactly as the CLI does (three replayed models through the real SDKs, each answer
 * checked against the project's own tests in the real sandbox) and answers with the verdict and
 * what each candidate fixes and breaks. Unsafe archives (a ../ entry, a link) and oversize ones
 * are refused before anything starts, with bodies that say why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { parseConfig } from '../../src/core/config';
import { projectLanguageOf } from '../../src/core/project/root';
import { takeSnapshot } from '../../src/core/project/snapshot';
import { packUpload } from '../../src/core/project/upload';
import type { RunRecord } from '../../src/core/types';
import type { ReplayServer } from '../../src/demo/replayServer';
import { DEFAULT_SETTINGS } from '../../src/server/options';
import { startServer } from '../../src/server/server';
import type { RunningServer } from '../../src/server/server';
import { runCli } from '../cli/cliHarness';
import { buildProject } from '../fixtures/projects/buildProjects';
import type { ProjectFixture } from '../fixtures/projects/buildProjects';
import { EDIT_MODEL_KEYS, editAskConfig, startEditModels } from '../fixtures/projects/editModels';
import { treeHash } from '../treeHash';
import { json, readSse } from './harness';

async function tarGz(entries: { name: string; body?: string; type?: 'symlink'; linkname?: string }[]) {
  const packer = pack();
  const chunks: Buffer[] = [];
  packer.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((ok) => packer.on('end', () => ok()));
  for (const e of entries)
    if (e.type === 'symlink') packer.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else packer.entry({ name: e.name }, e.body ?? '');
  packer.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks)).toString('base64');
}

describe('server: project asks with the project uploaded as a tar.gz', function () {
  this.timeout(240_000);
  let fixture: ProjectFixture;
  let models: ReplayServer;
  let server: RunningServer;
  let dir: string;
  let archive: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-upload-test-'));
    fixture = await buildProject('python-unittest', join(dir, 'project'));
    models = await startEditModels(fixture.answers);
    const { config, issues } = parseConfig({
      ...editAskConfig(models),
      // Small caps so the oversize cases stay small; the fixture fits.
      project: { maxBytes: 512 * 1024, maxFiles: 200 },
    });
    assert.deepEqual(issues, []);
    server = await startServer(
      {
        config,
        settings: { ...DEFAULT_SETTINGS, maxUploadBytes: 1024 * 1024 },
        env: EDIT_MODEL_KEYS,
      },
      { host: '127.0.0.1', port: 0 },
    );
    const language = projectLanguageOf(fixture.root, fixture.target);
    assert.ok(language);
    const snapshot = await takeSnapshot({ root: fixture.root, language });
    archive = (await packUpload(snapshot)).archive.toString('base64');
  });

  after(async () => {
    await server?.close(5_000);
    await models?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: Record<string, unknown>) =>
    json(`${server.url}/v1/runs`, {
      json: { prompt: fixture.instruction, intent: 'fix', ...body },
    });

  it('runs the edit ask on the uploaded project: the verdict, what each candidate fixes and breaks', async () => {
    const before = treeHash(fixture.root);
    const r = await post({ project: { archive, file: fixture.target } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const sse = await readSse(`${server.url}${(r.body.links as { events: string }).events}`);
    const end = JSON.parse(sse.events.at(-1)?.data ?? '{}') as { status: string; record: RunRecord };
    assert.equal(end.status, 'completed', JSON.stringify(end).slice(0, 2000));
    const record = end.record;
    assert.equal(record.request.edit?.path, fixture.target);
    assert.equal(record.project?.baseline?.tests[fixture.failingTest], 'failed');
    const by = new Map(record.candidates.map((c) => [c.id, c.project]));
    assert.deepEqual(by.get('correct')?.fixedIds, [fixture.failingTest]);
    assert.deepEqual(by.get('correct')?.regressedIds, []);
    assert.ok(by.get('standalone')?.regressedIds.includes(fixture.regressionTest));
    assert.equal(record.verdict?.pick, 'correct', record.verdict?.reasons.join('\n'));
    assert.equal(record.verdict?.strategy, 'project-tests');
    assert.deepEqual(treeHash(fixture.root), before);
  });

  it('quorum ask --file F --project DIR --server URL uploads the project and prints the same verdict', async () => {
    const { code, stdout, stderr } = await runCli(
      [
        'ask',
        fixture.instruction,
        '--intent',
        'fix',
        '--file',
        join(fixture.root, fixture.target),
        '--project',
        fixture.root,
        '--server',
        server.url,
        '--json',
      ],
      { cwd: fixture.root, env: {} },
    );
    assert.equal(code, 0, stderr);
    assert.match(stderr, /uploading .* files/);
    const record = JSON.parse(stdout) as RunRecord;
    assert.equal(record.verdict?.pick, 'correct');
    const correct = record.candidates.find((c) => c.id === 'correct');
    assert.deepEqual(correct?.project?.fixedIds, [fixture.failingTest]);
  });

  it('refuses an archive with a ../ entry or a link (400 naming it), and starts nothing', async () => {
    const runsBefore = ((await json(`${server.url}/v1/runs`)).body.runs as unknown[]).length;
    const traversal = await post({
      project: {
        archive: await tarGz([
          { name: 'app.py', body: 'x = 1\n' },
          { name: '../escape.py', body: 'boom' },
        ]),
        file: 'app.py',
      },
    });
    assert.equal(traversal.status, 400, JSON.stringify(traversal.body));
    assert.equal(traversal.body.error, 'project-unsafe-entry');
    assert.equal(traversal.body.field, 'project.archive');
    assert.match(String(traversal.body.message), /"\.\.\/escape\.py"/);
    const link = await post({
      project: {
        archive: await tarGz([
          { name: 'app.py', body: 'x = 1\n' },
          { name: 'secrets', type: 'symlink', linkname: '/etc/passwd' },
        ]),
        file: 'app.py',
      },
    });
    assert.equal(link.status, 400);
    assert.match(String(link.body.message), /symlink entry: "secrets"/);
    const notGzip = await post({
      project: { archive: Buffer.from('not a tar').toString('base64'), file: 'a.py' },
    });
    assert.equal(notGzip.status, 400);
    assert.equal(notGzip.body.error, 'project-bad-archive');
    const missing = await post({ project: { archive, file: 'nope.py' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'project.file');
    const runsAfter = ((await json(`${server.url}/v1/runs`)).body.runs as unknown[]).length;
    assert.equal(runsAfter, runsBefore, 'nothing was started');
  });

  it('refuses oversize uploads with 413 bodies that name the limit and the setting', async () => {
    // Over the body limit (1 MiB here): refused before it is parsed.
    const big = await post({ project: { archive: 'A'.repeat(1100 * 1024), file: 'app.py' } });
    assert.equal(big.status, 413);
    assert.equal(big.body.error, 'too-large');
    assert.match(String(big.body.message), /over 1\.0 MiB/);
    assert.match(String(big.body.advice), /server\.maxUploadBytes/);
    // Under it compressed, over the project cap (512 KiB) unpacked.
    const bomb = await post({
      project: { archive: await tarGz([{ name: 'app.py', body: 'x'.repeat(600 * 1024) }]), file: 'app.py' },
    });
    assert.equal(bomb.status, 413, JSON.stringify(bomb.body));
    assert.equal(bomb.body.error, 'project-too-large');
    assert.match(String(bomb.body.message), /more than 512 KiB unpacked/);
    assert.match(String(bomb.body.advice), /project\.maxBytes/);
    // An ask without a project keeps the 256 KiB limit.
    const context = await post({ context: 'x'.repeat(300 * 1024) });
    assert.equal(context.status, 413);
  });
});
