/** An error answered with its own status and a clear message; `details` go into the body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The one error body shape of the API. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
