import assert from 'node:assert/strict';
import {
  abortableSleep,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
} from '../../../src/core/providers/retryPolicy';

describe('retry policy', () => {
  it('retries 429 and 5xx only', () => {
    assert.deepEqual([400, 401, 404, 429, 500, 502, 503, 599, undefined].map(isRetryableStatus), [
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('reads Retry-After as seconds, fractional seconds, or an HTTP date', () => {
    const now = Date.parse('Tue, 24 Nov 2026 10:00:00 GMT');
    assert.equal(parseRetryAfter('1', now), 1000);
    assert.equal(parseRetryAfter('2.5', now), 2500);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 10:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 09:59:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('prefers the server’s Retry-After, capped, over exponential backoff', () => {
    const options = { attempts: 3, baseDelayMs: 100, maxDelayMs: 5_000 };
    assert.equal(retryDelayMs(options, 2, '1'), 1000);
    assert.equal(retryDelayMs(options, 2, '3600'), 5_000, 'an hour-long Retry-After is capped');
    const first = retryDelayMs(options, 2, null);
    const second = retryDelayMs(options, 3, null);
    assert.ok(first >= 100 && first <= 125, String(first));
    assert.ok(second >= 200 && second <= 250, String(second));
  });

  it('sleeps, and wakes early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = abortableSleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await assert.rejects(sleeping, /stop/);
    assert.ok(Date.now() - started < 500);
  });
});
