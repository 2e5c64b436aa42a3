import assert from 'node:assert/strict';
import { hostConfigFor, limitsKey, resolveLimits } from '../../../src/core/sandbox/limits';
import { DEFAULT_LIMITS, SandboxError } from '../../../src/core/types';

describe('sandbox limits -> engine HostConfig', () => {
  it('hardens every run by default', () => {
    const hc = hostConfigFor(DEFAULT_LIMITS);
    assert.equal(hc.NetworkMode, 'none');
    assert.equal(hc.ReadonlyRootfs, true);
    assert.deepEqual(hc.CapDrop, ['ALL']);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
    assert.equal(hc.Memory, 256 * 1024 * 1024);
    assert.equal(hc.MemorySwap, hc.Memory, 'swap must equal memory so the limit cannot be swapped past');
    assert.equal(hc.NanoCpus, 1e9);
    assert.equal(hc.PidsLimit, 64);
    assert.equal(hc.Privileged, false);
    assert.deepEqual(hc.LogConfig, { Type: 'none', Config: {} });
    assert.deepEqual(Object.keys(hc.Tmpfs ?? {}).sort(), ['/tmp', '/work']);
    for (const options of Object.values(hc.Tmpfs ?? {})) assert.match(options, /size=64m/);
    for (const options of Object.values(hc.Tmpfs ?? {})) assert.match(options, /(^|,)noexec(,|$)/);
    assert.equal(hc.Binds, undefined, 'never a host mount');
  });

  it('adds an exec-able build tmpfs only when asked (languages compiled in the container)', () => {
    const hc = hostConfigFor(DEFAULT_LIMITS, { buildDir: true });
    assert.deepEqual(Object.keys(hc.Tmpfs ?? {}).sort(), ['/build', '/tmp', '/work']);
    assert.match(hc.Tmpfs?.['/build'] ?? '', /^rw,nosuid,nodev,exec,size=64m,/);
    assert.match(hc.Tmpfs?.['/tmp'] ?? '', /noexec/);
  });

  it('follows overridden limits', () => {
    const limits = resolveLimits(DEFAULT_LIMITS, { memoryMiB: 512, cpus: 0.5, pids: 128, tmpfsMiB: 8 });
    const hc = hostConfigFor(limits);
    assert.equal(hc.Memory, 512 * 1024 * 1024);
    assert.equal(hc.MemorySwap, 512 * 1024 * 1024);
    assert.equal(hc.NanoCpus, 5e8);
    assert.equal(hc.PidsLimit, 128);
    assert.match(hc.Tmpfs?.['/tmp'] ?? '', /size=8m/);
    assert.notEqual(limitsKey(limits), limitsKey(DEFAULT_LIMITS));
    assert.equal(limitsKey(resolveLimits(DEFAULT_LIMITS, { timeoutMs: 1000 })), limitsKey(DEFAULT_LIMITS));
  });

  it('merges overrides in order and ignores undefined values', () => {
    const limits = resolveLimits(DEFAULT_LIMITS, { timeoutMs: 5000 }, undefined, {
      timeoutMs: 7000,
      pids: undefined,
    });
    assert.equal(limits.timeoutMs, 7000);
    assert.equal(limits.pids, DEFAULT_LIMITS.pids);
    assert.ok(Object.isFrozen(limits));
  });

  it('rejects a limit that would switch protection off', () => {
    for (const bad of [{ memoryMiB: 0 }, { timeoutMs: -1 }, { pids: Number.NaN }, { cpus: 1000 }]) {
      assert.throws(
        () => resolveLimits(DEFAULT_LIMITS, bad),
        (e: unknown) => SandboxError.is(e) && /quorum\.sandbox\.limits/.test(e.advice),
      );
    }
  });
});
