import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  csvField,
  modelRecords,
  neverWins,
  outcomeOf,
  rankByWinsPerDollar,
  recordsByModel,
  recordsCsv,
  recordSummaries,
  timelineOf,
  verifiedOf,
  winsPerDollar,
  type AskOutcome,
} from '../../../src/core/records/modelRecord';
import { cliRecordsPath, RecordStore } from '../../../src/core/records/recordStore';
import { candidate, runRecord } from './recordFixtures';

const PRICE = { inputPerMTok: 1, outputPerMTok: 2 };

function outcomes(): AskOutcome[] {
  // gpt: priced, wins 2 of 3; llama: priced 10x dearer, wins 1 of 3; qwen: local and free, wins 0 of 3.
  const specs = (i: number) => [
    { id: 'gpt', price: PRICE, tokens: { input: 1000, output: 500 }, exit: 0, latencyMs: 1000 + i * 100 },
    {
      id: 'llama',
      price: { inputPerMTok: 10, outputPerMTok: 20 },
      tokens: { input: 1000, output: 500 },
      exit: i === 2 ? 1 : 0,
      latencyMs: 3000,
    },
    { id: 'qwen', kind: 'ollama' as const, exit: 1, latencyMs: 500 },
  ];
  return [
    outcomeOf(runRecord('a1', '2026-11-01T10:00:00.000Z', specs(0), { pick: 'gpt' }), {
      workspace: '/w/one',
    }),
    outcomeOf(runRecord('a2', '2026-11-02T10:00:00.000Z', specs(1), { pick: 'llama' }), {
      workspace: '/w/one/sub',
    }),
    outcomeOf(runRecord('a3', '2026-11-09T10:00:00.000Z', specs(2), { pick: 'gpt' }), {
      workspace: '/w/two',
    }),
  ].map((o) => o!);
}

describe('model records: aggregation', () => {
  it('counts asks, picks, verified runs, failures, median latency and cost per model', () => {
    const byModel = recordsByModel(outcomes());
    const gpt = byModel.get('gpt')!;
    assert.equal(gpt.asks, 3);
    assert.equal(gpt.picks, 2);
    assert.equal(gpt.winRate, 2 / 3);
    assert.equal(gpt.verified, 3);
    assert.equal(gpt.medianLatencyMs, 1100);
    // 1000 input at $1/M + 500 output at $2/M = $0.002 per ask
    assert.ok(Math.abs(gpt.costUsd - 0.006) < 1e-12);
    assert.equal(gpt.pricedAsks, 3);
    assert.ok(Math.abs(gpt.winsPerDollar! - 2 / 3 / 0.002) < 1e-6);
    const llama = byModel.get('llama')!;
    assert.equal(llama.picks, 1);
    assert.equal(llama.verified, 2, 'exit 1 in the third ask is not verified');
    const qwen = byModel.get('qwen')!;
    assert.equal(qwen.picks, 0);
    assert.equal(qwen.verified, 0);
    assert.equal(qwen.free, true, 'a local model without a price costs 0');
    assert.equal(qwen.winsPerDollar, 0);
    assert.deepEqual(recordSummaries(byModel).get('llama'), { asks: 3, wins: 1, costUsd: llama.costUsd });
  });

  it('filters by workspace (the folder and below) and leaves demo asks out unless asked', () => {
    const demo = outcomeOf(
      runRecord('d1', '2026-11-03T10:00:00.000Z', [{ id: 'gpt', exit: 0 }], { demo: true }),
    )!;
    const all = [...outcomes(), demo];
    assert.equal(recordsByModel(all, { workspace: '/w/one' }).get('gpt')!.asks, 2);
    assert.equal(recordsByModel(all, { workspace: '/w/one/' }).get('gpt')!.asks, 2);
    assert.equal(
      recordsByModel(all, { workspace: '/w/on' }).get('gpt'),
      undefined,
      'a prefix is not a folder',
    );
    assert.equal(recordsByModel(all).get('gpt')!.asks, 3);
    assert.equal(recordsByModel(all, { includeDemo: true }).get('gpt')!.asks, 4);
  });

  it('counts an ask stored twice (a re-run) once, with its latest outcome', () => {
    const first = outcomeOf(
      runRecord('r1', '2026-11-01T10:00:00.000Z', [{ id: 'gpt', exit: 1 }, { id: 'b' }]),
    )!;
    const again = outcomeOf(
      runRecord('r1', '2026-11-01T10:00:00.000Z', [{ id: 'gpt', exit: 0 }, { id: 'b' }], { pick: 'gpt' }),
    )!;
    const gpt = recordsByModel([first, again]).get('gpt')!;
    assert.equal(gpt.asks, 1);
    assert.equal(gpt.verified, 1);
  });

  it('skips cancelled asks and keeps no prompt, answer or code', () => {
    assert.equal(
      outcomeOf(runRecord('c', '2026-11-01T10:00:00.000Z', [{ id: 'x' }], { cancelled: true })),
      undefined,
    );
    const o = outcomeOf(runRecord('k', '2026-11-01T10:00:00.000Z', [{ id: 'x', exit: 0 }]))!;
    assert.ok(!JSON.stringify(o).includes('secret prompt text'));
    assert.deepEqual(Object.keys(o.candidates[0]).sort(), [
      'id',
      'kind',
      'latencyMs',
      'model',
      'modelId',
      'picked',
      'status',
      'verified',
    ]);
  });

  it('sums project fixes and regressions and verifies an edit only when nothing broke or still fails', () => {
    const rec = runRecord(
      'e1',
      '2026-11-01T10:00:00.000Z',
      [
        { id: 'good', project: { fixed: 2, regressed: 0 } },
        { id: 'breaks', project: { fixed: 1, regressed: 1 } },
        { id: 'partial', project: { fixed: 1, regressed: 0, stillFailing: 1 } },
      ],
      { pick: 'good' },
    );
    const o = outcomeOf(rec)!;
    assert.equal(o.shape, 'edit');
    const r = recordsByModel([o]);
    assert.deepEqual(
      ['good', 'breaks', 'partial'].map((id) => {
        const m = r.get(id)!;
        return [m.fixes, m.regressions, m.verified, m.editAsks];
      }),
      [
        [2, 0, 1, 1],
        [1, 1, 0, 1],
        [1, 0, 0, 1],
      ],
    );
  });

  it('verifies a snippet against the user’s trusted cases when there are any, else every case it ran', () => {
    const c = candidate({ id: 'a', exit: 0 });
    const matrix = (cells: Record<string, 'pass' | 'fail'>, trusted: string[]) => ({
      pick: 'a',
      strategy: 'cross-test' as const,
      confidence: 1,
      ranking: [],
      reasons: [],
      unverified: false,
      matrix: {
        cases: Object.keys(cells).map((id) => ({
          id,
          testId: id,
          code: '',
          ...(trusted.includes(id) ? { trusted: true as const } : {}),
        })),
        cells: { a: cells },
      },
    });
    assert.equal(
      verifiedOf(c, matrix({ u: 'pass', g: 'fail' }, ['u'])),
      true,
      'a generated case may be wrong',
    );
    assert.equal(verifiedOf(c, matrix({ u: 'fail', g: 'pass' }, ['u'])), false);
    assert.equal(verifiedOf(c, matrix({ g1: 'pass', g2: 'fail' }, [])), false);
    assert.equal(verifiedOf(c, matrix({ g1: 'pass' }, [])), true);
    assert.equal(verifiedOf(candidate({ id: 'a' }), undefined), false, 'never ran');
  });

  it('ranks by wins per dollar: free winners, then value, then unknown cost, then never-winners', () => {
    const base = outcomes();
    const free = outcomeOf(
      runRecord(
        'f1',
        '2026-11-10T10:00:00.000Z',
        [
          { id: 'local', kind: 'ollama', exit: 0 },
          { id: 'nopri', exit: 0 },
        ],
        {
          pick: 'local',
        },
      ),
    )!;
    const unknown = outcomeOf(
      runRecord(
        'u1',
        '2026-11-11T10:00:00.000Z',
        [
          { id: 'nopri', exit: 0 },
          { id: 'local', kind: 'ollama' },
        ],
        {
          pick: 'nopri',
        },
      ),
    )!;
    const ranked = rankByWinsPerDollar(recordsByModel([...base, free, unknown]).values()).map(
      (r) => r.modelId,
    );
    assert.deepEqual(ranked, ['local', 'gpt', 'llama', 'nopri', 'qwen']);
    assert.equal(winsPerDollar({ asks: 2, picks: 1, costUsd: 0, pricedAsks: 2 }), Infinity);
    assert.equal(winsPerDollar({ asks: 2, picks: 1, costUsd: 0, pricedAsks: 0 }), undefined);
    // priced on one ask of two: the mean cost per priced ask is used, not the partial sum
    assert.equal(winsPerDollar({ asks: 2, picks: 2, costUsd: 0.5, pricedAsks: 1 }), 2);
  });

  it('suggests disabling a model only after enough judged asks without a single pick', () => {
    const recs = recordsByModel(outcomes()).values();
    assert.deepEqual(
      neverWins(recs, { minAsks: 3 }).map((r) => r.modelId),
      ['qwen'],
    );
    assert.deepEqual(neverWins(recordsByModel(outcomes()).values(), { minAsks: 4 }), []);
    assert.deepEqual(
      neverWins(recordsByModel(outcomes()).values(), { minAsks: 3, enabled: new Set(['gpt']) }),
      [],
      'a disabled model is not suggested again',
    );
  });

  it('buckets asks and picks over time by day, week or 30 days to fit the span', () => {
    const t = timelineOf(outcomes());
    assert.equal(t.days, 1);
    assert.equal(t.buckets.length, 9, '1 to 9 November, one bucket a day, empty days included');
    assert.equal(t.buckets[0].start, '2026-11-01');
    assert.deepEqual(t.buckets[0].models.gpt, { asks: 1, picks: 1 });
    assert.deepEqual(t.buckets[8].models.llama, { asks: 1, picks: 0 });
    const long = [
      ...outcomes(),
      outcomeOf(runRecord('late', '2027-01-20T10:00:00.000Z', [{ id: 'gpt', exit: 0 }]))!,
    ];
    const weekly = timelineOf(long);
    assert.equal(weekly.days, 7);
    assert.ok(weekly.buckets.length <= 12);
    const picks = weekly.buckets.reduce((n, b) => n + (b.models.gpt?.picks ?? 0), 0);
    assert.equal(picks, 3, 'the oldest weeks beyond 12 buckets fall out, the newest stay');
  });

  it('writes CSV with quoted fields, formula-looking text defused and free wins as inf', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField(Infinity), 'inf');
    assert.equal(csvField(undefined), '');
    const csv = recordsCsv([{ scope: 'overall', records: modelRecords(outcomes()) }]);
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^scope,model_id,kind,model,asks,picks,win_rate,/);
    const gpt = lines.find((l) => l.startsWith('overall,gpt,'))!.split(',');
    assert.deepEqual(gpt.slice(4, 7), ['3', '2', '0.6667']);
  });
});

describe('model records: the JSONL store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quorum-records-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one line per ask and reads them back, skipping torn or foreign lines', async () => {
    const store = new RecordStore(join(dir, 'sub', 'model-records.jsonl'));
    assert.deepEqual(await store.read(), { outcomes: [], skipped: 0 });
    for (const o of outcomes()) await store.add(o);
    appendFileSync(store.path, '{"v":99,"askId":"x"}\n{"v":1,"askId":"torn","at":"2026\n');
    const { outcomes: back, skipped } = await store.read();
    assert.deepEqual(
      back.map((o) => o.askId),
      ['a1', 'a2', 'a3'],
    );
    assert.equal(skipped, 2);
    assert.equal(
      await store.addRecord(runRecord('c', '2026-11-01T00:00:00Z', [{ id: 'x' }], { cancelled: true })),
      undefined,
    );
    assert.equal((await store.read()).outcomes.length, 3);
  });

  it('stays under its bound: compaction keeps the newest asks, one line each', async () => {
    const store = new RecordStore(join(dir, 'r.jsonl'), { maxBytes: 8_000, keepBytes: 4_000 });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
      const o = outcomeOf(
        runRecord(`ask-${String(i).padStart(2, '0')}`, at, [{ id: 'gpt', exit: 0 }, { id: 'b' }]),
      )!;
      writes.push(store.add(o)); // concurrent appends from one process are queued
    }
    await Promise.all(writes);
    assert.ok(statSync(store.path).size <= 8_000);
    const ids = (await store.read()).outcomes.map((o) => o.askId);
    assert.equal(ids.at(-1), 'ask-59', 'the newest ask is kept');
    assert.deepEqual(ids, [...ids].sort(), 'oldest first after compaction');
    assert.equal(new Set(ids).size, ids.length);
    writeFileSync(store.path, readFileSync(store.path, 'utf8') + readFileSync(store.path, 'utf8'));
    await store.compact();
    const after = (await store.read()).outcomes.map((o) => o.askId);
    assert.equal(new Set(after).size, after.length, 'duplicates collapse to one line per ask');
    assert.deepEqual(after, ids.slice(ids.length - after.length), 'the newest asks are the ones kept');
    assert.ok(statSync(store.path).size <= 4_000);
  });

  it('finds the CLI data folder from the environment only', () => {
    assert.equal(cliRecordsPath({ QUORUM_DATA_DIR: '/d' }), '/d/model-records.jsonl');
    assert.equal(cliRecordsPath({ XDG_DATA_HOME: '/x', HOME: '/h' }), '/x/quorum/model-records.jsonl');
    assert.equal(cliRecordsPath({ HOME: '/h' }), '/h/.local/share/quorum/model-records.jsonl');
    assert.equal(cliRecordsPath({}), undefined);
    assert.equal(cliRecordsPath({ HOME: '/h', QUORUM_RECORDS: 'off' }), undefined);
  });
});
