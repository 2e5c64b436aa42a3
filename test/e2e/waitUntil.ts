/** Polls `probe` until it returns a value other than undefined; fails with `what` on timeout. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error; // the page may be mid-render; keep polling
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const cause = last instanceof Error ? ` (last error: ${last.message})` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}
