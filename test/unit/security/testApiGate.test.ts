/** M1: activate() hands the test API (secrets, trust override) only to a test run, never in production. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_MODE_TEST, testApiFor } from '../../../src/host/testApiGate';

describe('security: the extension’s test API exists only in test runs (M1)', () => {
  it('Production (1) and Development (2) get nothing, and the API is not even built', () => {
    for (const mode of [1, 2]) {
      let built = false;
      const api = testApiFor(mode, () => {
        built = true;
        return { secrets: {} };
      });
      assert.equal(api, undefined);
      assert.equal(built, false);
    }
  });

  it('a test run (ExtensionMode.Test = 3) gets it', () => {
    assert.equal(EXTENSION_MODE_TEST, 3);
    assert.deepEqual(
      testApiFor(3, () => ({ ok: true })),
      { ok: true },
    );
  });

  it('activate() returns the test API only through that gate', () => {
    const source = readFileSync(join(__dirname, '../../../src/extension.ts'), 'utf8');
    const returns = [...source.matchAll(/^\s*return (.+)$/gm)].map((m) => m[1]);
    assert.ok(returns.length > 0);
    for (const r of returns.filter((r) => r.includes('createTestApi')))
      assert.match(r, /^testApiFor\(context\.extensionMode,/, `ungated: return ${r}`);
    assert.match(source, /return testApiFor\(context\.extensionMode,/);
  });
});
