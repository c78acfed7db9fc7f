/**
 * A refused request: HTTP status, a stable error code to grep for, and what was wrong. Route handlers throw it;
 * the server answers `{error, detail}` with the status (and `Retry-After` when set).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}
