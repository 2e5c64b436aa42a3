/**
 * Per-token quotas (server.quota): runs started per minute, runs queued or running at once, and
 * spend per day in USD (from the records' cost estimates). Over one: 429 with a body that names
 * the quota, its limit and the use, and a Retry-After.
 */
import { HttpError } from './httpError';
import type { ServerSettings } from './options';
import type { RunQueue } from './runQueue';
import type { RunStore } from './store/runStore';

const overQuota = (
  quota: string,
  limit: number,
  used: number,
  message: string,
  retryAfterS: number,
): HttpError => {
  const error = new HttpError(
    429,
    'quota-exceeded',
    message,
    `Retry after ${retryAfterS} s, or ask the gateway's operator to raise server.quota.${quota}.`,
    { 'retry-after': String(retryAfterS) },
  );
  return Object.assign(error, {
    body: () => ({ error: 'quota-exceeded', quota, limit, used, message, advice: error.advice, retryAfterS }),
  });
};

export async function checkQuota(
  quota: ServerSettings['quota'],
  owner: string,
  store: RunStore,
  queue: RunQueue,
  /** Replicas share the database: count the owner's runs there, not only this process's. */
  shared = false,
): Promise<void> {
  if (quota.concurrentRuns !== undefined) {
    const { running, queued } = queue.ownerCounts(owner);
    const used = shared ? await store.unfinishedOf(owner) : running + queued;
    if (used >= quota.concurrentRuns)
      throw overQuota(
        'concurrentRuns',
        quota.concurrentRuns,
        used,
        `This token has ${used} runs queued or running, its limit.`,
        queue.retryAfterS(),
      );
  }
  if (quota.runsPerMinute !== undefined) {
    const used = await store.countSince(owner, Date.now() - 60_000);
    if (used >= quota.runsPerMinute)
      throw overQuota(
        'runsPerMinute',
        quota.runsPerMinute,
        used,
        `This token started ${used} runs in the last minute, its limit.`,
        60,
      );
  }
  if (quota.usdPerDay !== undefined) {
    const used = await store.spendSince(owner, Date.now() - 24 * 3_600_000);
    if (used >= quota.usdPerDay)
      throw overQuota(
        'usdPerDay',
        quota.usdPerDay,
        Number(used.toFixed(4)),
        `This token's runs cost $${used.toFixed(2)} in the last 24 hours, its limit of $${quota.usdPerDay}.`,
        3_600,
      );
  }
}
