/** An error with a stable code to grep for in logs and tests (`PICKET_…`). */
export class PicketError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PicketError';
  }
}
