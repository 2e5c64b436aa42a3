/**
 * The gateway keeps each finished ask's model outcome in its database (beside the runs, outliving
 * the bounded run history) and serves them as GET /v1/records, scoped like runs: a token sees the
 * records of its own asks, an admin every token's. `quorum stats --gateway URL` reads them with the
 * token of QUORUM_GATEWAY_TOKEN.
 */
import assert from 'node:assert/strict';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { runCli } from '../cli/cliHarness';
import { PROMPT, json, startGateway, until } from './harness';
import { testDatabase } from './postgres';
import type { TestDatabase } from './postgres';

const A = 'token-records-a-0123456789abcdef0123';
const B = 'token-records-b-0123456789abcdef0123';
const ADMIN = 'token-records-admin-0123456789abcdef';
const as = (token: string) => ({ authorization: `Bearer ${token}` });

interface RecordsBody {
  asks: number;
  models: { modelId: string; asks: number; picks: number; winsPerDollar: number | null }[];
  outcomes: { askId: string; candidates: { modelId: string }[] }[];
}

/** The same checks on the default database (SQLite) and on PostgreSQL (the replicas' shared one). */
for (const engine of ['SQLite', 'PostgreSQL'] as const)
  describe(`server: GET /v1/records, the model records of the gateway asks (${engine})`, () => {
    let replay: ReplayServer;
    let server: RunningServer;
    let database: TestDatabase | undefined;
    const runIds: Record<string, string[]> = { A: [], B: [] };

    before(async function () {
      if (engine === 'PostgreSQL') {
        database = await testDatabase();
        if ('skip' in database) {
          console.log(`      skipped: ${database.skip}`);
          return this.skip();
        }
      }
      replay = await startFastReplay();
      // A history of one run: the records must outlive the runs the gateway deletes.
      server = await startGateway(replay, {
        tokens: [A, B],
        adminTokens: [ADMIN],
        historySize: 1,
        ...(database && !('skip' in database) ? { database: database.url } : {}),
      });
      const ask = async (token: string, who: 'A' | 'B', models: string[]): Promise<void> => {
        const posted = await json(`${server.url}/v1/runs`, {
          json: { prompt: PROMPT, models, execute: false },
          headers: as(token),
        });
        assert.equal(posted.status, 202);
        const id = posted.body.id as string;
        runIds[who].push(id);
        await until(
          `run ${id}`,
          async () => (await json(`${server.url}/v1/runs/${id}`, { headers: as(token) })).body.status,
          (s) => s === 'completed',
        );
      };
      await ask(A, 'A', ['gpt']);
      await ask(A, 'A', ['gpt', 'qwen']);
      await ask(B, 'B', ['qwen']);
      await until(
        'three outcomes stored',
        async () =>
          ((await json(`${server.url}/v1/records`, { headers: as(ADMIN) })).body as unknown as RecordsBody)
            .asks,
        (n) => n === 3,
      );
    });
    after(async () => {
      await server?.close(0);
      await replay?.close();
      if (database && !('skip' in database)) await database.drop();
    });

    const records = async (token?: string, query = ''): Promise<{ status: number; body: RecordsBody }> => {
      const r = await json(`${server.url}/v1/records${query}`, token ? { headers: as(token) } : {});
      return { status: r.status, body: r.body as unknown as RecordsBody };
    };

    it("a token sees its own asks' records, an admin every token's, after the runs themselves are gone", async () => {
      const a = await records(A);
      assert.equal(a.status, 200);
      assert.equal(a.body.asks, 2);
      assert.deepEqual(
        a.body.models.map((m) => [m.modelId, m.asks]),
        [
          ['gpt', 2],
          ['qwen', 1],
        ],
      );
      assert.deepEqual(
        a.body.outcomes.map((o) => o.candidates.map((c) => c.modelId).sort()),
        [['gpt'], ['gpt', 'qwen']],
        'oldest first, ids only',
      );
      assert.ok(!JSON.stringify(a.body).includes('primes_up_to'), 'never the prompt');
      const b = await records(B);
      assert.deepEqual(
        b.body.models.map((m) => [m.modelId, m.asks]),
        [['qwen', 1]],
      );
      assert.equal((await records(ADMIN)).body.asks, 3);
      // The history kept one run; the records kept all three asks.
      const runs = (await json(`${server.url}/v1/runs`, { headers: as(ADMIN) })).body.runs as unknown[];
      assert.equal(runs.length, 1);
      assert.equal((await json(`${server.url}/v1/runs/${runIds.A[0]}`, { headers: as(A) })).status, 404);
    });

    it('since filters by time; a bad date is a 400 naming the field; no token is a 401', async () => {
      assert.equal((await records(ADMIN, '?since=2999-01-01')).body.asks, 0);
      assert.equal((await records(ADMIN, '?since=2000-01-01')).body.asks, 3);
      assert.equal((await records(ADMIN, '?limit=1')).body.asks, 1);
      const bad = await json(`${server.url}/v1/records?since=yesterday`, { headers: as(A) });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'since');
      assert.equal((await records()).status, 401);
    });

    it('`quorum stats --gateway URL` reads them with QUORUM_GATEWAY_TOKEN, and says what went wrong', async () => {
      const mine = await runCli(['stats', '--gateway', server.url, '--json'], {
        env: { QUORUM_GATEWAY_TOKEN: A },
      });
      assert.equal(mine.code, 0, mine.stderr);
      const parsed = JSON.parse(mine.stdout) as { asks: number; file: string; models: { modelId: string }[] };
      assert.equal(parsed.asks, 2);
      assert.equal(parsed.file, `${server.url}/v1/records`);
      assert.deepEqual(
        parsed.models.map((m) => m.modelId),
        ['gpt', 'qwen'],
      );
      const table = await runCli(['stats', '--gateway', `${server.url}/`], {
        env: { QUORUM_SERVER_TOKEN: ADMIN },
      });
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^3 ask\(s\), http:\/\/127\.0\.0\.1:\d+\/v1\/records/);
      assert.match(table.stdout, /\nqwen +2 /);

      const none = await runCli(['stats', '--gateway', server.url], { env: {} });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /answered 401: .*Set QUORUM_GATEWAY_TOKEN/);
      const both = await runCli(['stats', '--gateway', server.url, '--file', 'x.jsonl'], { env: {} });
      assert.equal(both.code, 2);
    });
  });
