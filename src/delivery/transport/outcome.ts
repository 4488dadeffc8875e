import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter } from '../../retry-after.js';
import { redact } from './classify-error.js';
import { redactSnippet } from './response-snippet.js';
import type { AttemptErrorClass, AttemptOutcome } from './types.js';

/**
 * The verdict on a response that arrived. Only 200 is a delivery ("sending any other response code than
 * 200 OK will make the request get re-sent"); redirects are reported as such and never followed, since
 * following one would send the payload and secret to a URL nobody configured.
 */
export function responseOutcome(
  statusCode: number,
  headers: IncomingHttpHeaders,
  responseSnippet: string | null,
  secret: string | null,
  durationMs: number,
  nowMs: number,
): AttemptOutcome {
  const retryAfterMs =
    statusCode === 429 || statusCode === 503 ? parseRetryAfter(headers['retry-after'], nowMs) : null;
  let errorClass: AttemptErrorClass | null = null;
  let errorMessage: string | null = null;
  if (statusCode >= 300 && statusCode < 400) {
    const { location } = headers;
    const to = typeof location === 'string' ? ` to ${redact(location, secret).slice(0, 200)}` : '';
    errorClass = 'redirect';
    errorMessage = `HTTP ${statusCode} redirect${to} (not followed)`;
  } else if (statusCode !== 200) {
    errorClass = 'http-status';
    errorMessage =
      statusCode < 300 ? `HTTP ${statusCode}: only 200 OK counts as delivered` : `HTTP ${statusCode}`;
  }
  return {
    ok: errorClass === null,
    statusCode,
    errorClass,
    errorMessage,
    responseSnippet: redactSnippet(responseSnippet, secret),
    durationMs,
    retryAfterMs,
    retryable: true,
  };
}

/** An attempt that got no response. Only a policy refusal is final: nothing else is a property of the URL. */
export function failureOutcome(
  errorClass: AttemptErrorClass,
  errorMessage: string,
  durationMs: number,
): AttemptOutcome {
  return {
    ok: false,
    statusCode: null,
    errorClass,
    errorMessage,
    responseSnippet: null,
    durationMs,
    retryAfterMs: null,
    retryable: errorClass !== 'blocked-by-policy',
  };
}
