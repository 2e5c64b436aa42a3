import assert from 'node:assert/strict';
import { withSandbox } from './sandboxFixture';

describe('sandbox: an ask prepares its containers while the models answer', function () {
  it('prepareFor warms one container per run (bounded by prepareMax), runs take them, the ask end gives the extra back and removes the used', async () => {
    await withSandbox(
      async (sb) => {
        const ask = new AbortController();
        // Four candidates, each a program run and a harness run: 8, bounded by prepareMax 6.
        await sb.prepareFor('python', 8, ask.signal);
        const [engine] = await sb.engines();
        assert.equal(engine?.pool, 6);
        assert.equal((await sb.containers()).length, 6);
        const results = await Promise.all(
          [1, 2, 3].map((i) => sb.run({ language: 'python', code: `print(${i})` })),
        );
        assert.deepEqual(
          results.map((r) => r.stdout),
          ['1\n', '2\n', '3\n'],
        );
        // Each run took a prepared container: three are still waiting, none was made for them.
        assert.equal((await sb.engines())[0]?.pool, 3);
        // The used ones wait for the ask's end: their removal would take the engine's CPU while
        // the ask's last runs and its verdict need it.
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal((await sb.containers()).length, 6);
        ask.abort(); // the ask is over: back to the idle size (1)
        await new Promise((r) => setTimeout(r, 50));
        assert.equal((await sb.engines())[0]?.pool, 1);
        await sb.settle();
        const deadline = Date.now() + 10_000;
        while ((await sb.containers()).length > 1) {
          assert.ok(Date.now() < deadline, 'the extra containers were not removed');
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      { poolSize: 1, prepareMax: 6 },
    );
  });
});
