import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAsk } from '../../../src/core/strategy/plan';
import type { ModelConfig } from '../../../src/core/types';
import { silentLogger } from '../../../src/core/types';
import { RunHistory } from '../../../src/host/history';
import { ModelRecordBook } from '../../../src/host/modelRecords';
import { runRecord } from '../records/recordFixtures';

describe('host: model records fed by the run history', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-host-records-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds each stored run once per ask, a re-run replacing it, and shows this workspace beside overall', async () => {
    let folder: string | undefined = '/work/a';
    const book = new ModelRecordBook(join(dir, 'records'), () => folder, silentLogger);
    const history = new RunHistory(join(dir, 'runs'), 50, (r) => book.add(r));
    const specs = [
      { id: 'gpt', exit: 0 },
      { id: 'llama', exit: 1 },
    ];
    await history.save(runRecord('a-1', '2026-11-01T10:00:00.000Z', specs, { pick: 'gpt' }));
    // the same ask stored again after a re-run: llama now runs and is picked
    await history.save(
      runRecord('a-1', '2026-11-01T10:00:00.000Z', [specs[0], { id: 'llama', exit: 0 }], { pick: 'llama' }),
    );
    folder = '/work/b';
    await history.save(runRecord('b-1', '2026-11-02T10:00:00.000Z', specs, { pick: 'gpt' }));
    await history.save(runRecord('d-1', '2026-11-02T11:00:00.000Z', specs, { pick: 'gpt', demo: true }));

    const view = await book.view(new Set(['gpt', 'llama']));
    assert.equal(view.overall.asks, 2, 'the demo ask is not counted');
    const llama = view.overall.models.find((m) => m.modelId === 'llama')!;
    assert.deepEqual([llama.asks, llama.picks, llama.verified], [2, 1, 1]);
    assert.equal(view.workspace?.name, '/work/b');
    assert.equal(view.workspace?.asks, 1);
    assert.deepEqual(
      view.workspace?.models.map((m) => [m.modelId, m.picks]),
      [
        ['gpt', 1],
        ['llama', 0],
      ],
    );
    assert.equal(view.overall.timeline.buckets.length, 2);
    assert.deepEqual(view.neverWins, [], 'two asks are far from the minimum');
    const { csv, asks } = await book.csv();
    assert.equal(asks, 2);
    assert.match(csv, /\r\n\/work\/a,llama,openai,llama-model,1,1,1,/);
    assert.ok((await history.list()).length >= 3, 'the history itself is unchanged');
  });

  it('a records file that cannot be written never fails the history save', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    // the records "folder" is a file the history wrote: mkdir under it fails
    const history0 = new RunHistory(join(dir, 'runs'));
    await history0.save(runRecord('x-1', '2026-11-01T10:00:00.000Z', [{ id: 'gpt', exit: 0 }]));
    const blocked = join(dir, 'runs', (await import('node:fs')).readdirSync(join(dir, 'runs'))[0]);
    const book = new ModelRecordBook(blocked, () => undefined, logger);
    const history = new RunHistory(join(dir, 'runs'), 50, (r) => book.add(r));
    await history.save(runRecord('x-2', '2026-11-01T11:00:00.000Z', [{ id: 'gpt', exit: 0 }]));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /could not add run x-2 to the model records/);
  });

  it("a cascade or budget ask's strategy gets the editor's records: the record, not the price, orders a tier", async () => {
    const cheap = { inputPerMTok: 0.15, outputPerMTok: 0.6 };
    const pricier = { inputPerMTok: 0.5, outputPerMTok: 1.5 };
    const models: ModelConfig[] = [
      { id: 'mini', kind: 'openai', model: 'mini-model', enabled: true, price: cheap },
      { id: 'pricier', kind: 'openai', model: 'pricier-model', enabled: true, price: pricier },
    ];
    const book = new ModelRecordBook(join(dir, 'records'), () => '/work/a', silentLogger);
    const order = async (strategy: 'cascade' | 'budget'): Promise<string[]> => {
      const settings = await book.withRecords({ strategy, budgetUsd: 0.0015 });
      return planAsk(models, settings!, 1000).rounds.flatMap((r) => r.models.map((m) => m.id));
    };
    // No records yet: the cheaper first; the budget only fits the cheaper one.
    assert.deepEqual(await order('cascade'), ['mini', 'pricier']);
    assert.deepEqual(await order('budget'), ['mini']);

    const tokens = { input: 1000, output: 600 };
    for (let i = 0; i < 5; i++) {
      await book.add(
        runRecord(
          `r-${i}`,
          `2026-11-0${i + 1}T10:00:00.000Z`,
          [
            { id: 'mini', price: cheap, tokens, exit: 1 },
            { id: 'pricier', price: pricier, tokens, exit: 0 },
          ],
          { pick: 'pricier' },
        ),
      );
    }
    assert.deepEqual(await order('cascade'), ['pricier', 'mini'], 'the winner leads its tier');
    assert.deepEqual(await order('budget'), ['pricier'], 'the budget goes to the winner');

    const all = { strategy: 'all' as const };
    assert.equal(await book.withRecords(all), all, '`all` asks everyone: no records read');
    assert.equal(await book.withRecords(undefined), undefined);
  });
});
