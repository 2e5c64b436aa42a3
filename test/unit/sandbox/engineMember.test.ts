import assert from 'node:assert/strict';
import { EngineMember, RETRY_FIRST_MS, isEngineFailure } from '../../../src/core/sandbox/engineMember';
import type { EngineSandbox } from '../../../src/core/sandbox/engineSandbox';
import { SandboxError, silentLogger } from '../../../src/core/types';

/** The two calls a member makes of its engine's sandbox: check (a ping) and reset (cleanup when back). */
function engineThat(state: { up: boolean; checks: number; resets: number }): EngineSandbox {
  return {
    engine: 'fake://engine',
    check: () => {
      state.checks++;
      return state.up
        ? Promise.resolve()
        : Promise.reject(
            new SandboxError('not-running', 'The Docker engine at fake://engine is not running.', 'x'),
          );
    },
    reset: () => {
      state.resets++;
      return Promise.resolve();
    },
  } as unknown as EngineSandbox;
}

describe('sandbox engine member: health and back-off', function () {
  it('a failed check marks it down with the reason; it is retried after a back-off and reset when it answers again', async () => {
    const state = { up: false, checks: 0, resets: 0 };
    let changes = 0;
    const member = new EngineMember(engineThat(state), 4, 1, () => changes++, silentLogger);
    try {
      assert.equal(member.usable, true, 'not checked yet: usable, the first run checks it');
      assert.equal(await member.check(), false);
      assert.equal(member.state, 'down');
      assert.equal(member.usable, false);
      assert.equal(member.lastError?.reason, 'not-running');
      assert.equal(changes, 1);
      // Still down at the first retry.
      await new Promise((r) => setTimeout(r, RETRY_FIRST_MS + 200));
      assert.equal(state.checks, 2);
      assert.equal(member.state, 'down');
      // Back: the next retry (2 s after the first) finds it, resets it, and it takes runs again.
      state.up = true;
      await new Promise((r) => setTimeout(r, 2 * RETRY_FIRST_MS + 200));
      assert.equal(state.checks, 3);
      assert.equal(member.state, 'up');
      assert.equal(state.resets, 1);
      assert.equal(member.lastError, undefined);
      assert.equal(changes, 2);
    } finally {
      member.dispose();
    }
  });

  it('counts only engine failures, not a cancel, a missing image or a program', () => {
    assert.equal(isEngineFailure(new SandboxError('not-running', 'm', 'a')), true);
    assert.equal(isEngineFailure(new SandboxError('engine-error', 'm', 'a')), true);
    assert.equal(isEngineFailure(new Error('socket hang up')), true);
    assert.equal(isEngineFailure(new SandboxError('cancelled', 'm', 'a')), false);
    assert.equal(isEngineFailure(new SandboxError('image-missing', 'm', 'a')), false);
    assert.equal(isEngineFailure(new SandboxError('unsupported-language', 'm', 'a')), false);
  });
});
