import type { Problem } from '../problems.js';

/**
 * The one error class of the HTTP API. Handlers throw it; the single onError in app.ts turns it into
 * the one JSON error shape: { "Error": { "Code", "Message", "Problems"? } }.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_EVENT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** If-Match names a version the resource no longer has: someone changed it meanwhile. */
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A change of a resource without If-Match: send the ETag read with it. */
  PRECONDITION_REQUIRED: 428,
  NOT_READY: 503,
  SHUTTING_DOWN: 503,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
  /** An operation this gateway's store does not offer (the admin API's SQLite-only parts on PostgreSQL). */
  NOT_IMPLEMENTED: 501,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  Error: { Code: ErrorCode; Message: string; Problems?: { Path: string; Message: string }[] };
}

export function errorBody(error: ApiError): ErrorBody {
  const body: ErrorBody = { Error: { Code: error.code, Message: error.message } };
  if (error.problems.length > 0) {
    body.Error.Problems = error.problems.map((p) => ({ Path: p.path, Message: p.message }));
  }
  return body;
}
