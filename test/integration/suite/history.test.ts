// Pure (no `vscode`): runs on a temporary folder, also with plain mocha.
import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../../src/core/types';
import type { RunRecord } from '../../../src/core/types';
import { RunHistory } from '../../../src/host/history';

function record(askId: string, startedAt: string, instruction = `ask ${askId}`): RunRecord {
  return {
    version: 1,
    askId,
    startedAt,
    request: { instruction, intent: 'generate' },
    systemPrompt: 'sys',
    candidates: [],
    limits: DEFAULT_LIMITS,
    images: {},
    verdict: {
      pick: 'm1',
      strategy: 'consensus',
      confidence: 0.9,
      ranking: [],
      reasons: [],
      unverified: false,
    },
  };
}

describe('run history', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quorum-history-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores records and lists them newest first, reopening each one exactly', async () => {
    const history = new RunHistory(join(dir, 'runs'));
    const older = record('a1', '2026-01-01T10:00:00.000Z');
    const newer = record('b2', '2026-01-02T09:00:00.000Z');
    await history.save(older);
    await history.save(newer);
    const list = await history.list();
    assert.deepEqual(
      list.map((e) => [e.askId, e.pick, e.instruction]),
      [
        ['b2', 'm1', 'ask b2'],
        ['a1', 'm1', 'ask a1'],
      ],
    );
    assert.deepEqual(await history.load('a1'), older);
    assert.equal(await history.load('missing'), undefined);
  });

  it('keeps only the newest `limit` runs on disk', async () => {
    const history = new RunHistory(dir, 3);
    for (let i = 0; i < 5; i++) await history.save(record(`r${i}`, `2026-01-0${i + 1}T00:00:00.000Z`));
    assert.deepEqual(
      (await history.list()).map((e) => e.askId),
      ['r4', 'r3', 'r2'],
    );
    assert.equal((await readdir(dir)).length, 3);
  });

  it('skips unreadable files and refuses ids that could escape the folder', async () => {
    const history = new RunHistory(dir);
    await history.save(record('ok', '2026-01-01T00:00:00.000Z'));
    await writeFile(join(dir, '29990101000000000-broken.json'), '{not json');
    assert.deepEqual(
      (await history.list()).map((e) => e.askId),
      ['ok'],
    );
    await assert.rejects(history.save(record('../evil', '2026-01-01T00:00:00.000Z')), /Refusing/);
    assert.equal(await history.load('../ok'), undefined);
  });
});
