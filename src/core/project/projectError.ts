/** A typed project-mode failure with advice; check with `ProjectError.is`, never by message. */
export type ProjectErrorReason =
  'outside-project' | 'no-root' | 'over-cap' | 'unreadable' | 'no-test-command' | 'engine-error';

export class ProjectError extends Error {
  override readonly name = 'ProjectError';
  constructor(
    readonly reason: ProjectErrorReason,
    message: string,
    readonly advice: string,
  ) {
    super(message);
  }
  static is(error: unknown): error is ProjectError {
    return error instanceof ProjectError;
  }
}
