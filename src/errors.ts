/**
 * The one base class of the errors a user can act on (a bad setting, a missing file, a question too long):
 * every entry point prints their message on one line and exits 1, and prints anything else as a bug.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}
