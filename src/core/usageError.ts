/** A caller's mistake (bad flag, bad config file): printed with the command's help hint, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
