import { describe, expect, it } from 'vitest';
import { failureOutcome, responseOutcome } from './outcome.js';

const now = Date.parse('2024-05-01T12:00:00Z');

describe('responseOutcome', () => {
  it('counts 200 and only 200 as delivered', () => {
    expect(responseOutcome(200, {}, null, null, 12, now)).toEqual({
      ok: true,
      statusCode: 200,
      errorClass: null,
      errorMessage: null,
      responseSnippet: null,
      durationMs: 12,
      retryAfterMs: null,
      retryable: true,
    });
    for (const status of [201, 202, 204]) {
      expect(responseOutcome(status, {}, null, null, 1, now)).toMatchObject({
        ok: false,
        errorClass: 'http-status',
        errorMessage: `HTTP ${status}: only 200 OK counts as delivered`,
        retryable: true,
      });
    }
  });

  it('fails every 4xx and 5xx as http-status, retryable, keeping the snippet', () => {
    for (const status of [400, 401, 404, 410, 500, 502]) {
      expect(responseOutcome(status, {}, 'oops', null, 1, now)).toMatchObject({
        ok: false,
        statusCode: status,
        errorClass: 'http-status',
        errorMessage: `HTTP ${status}`,
        responseSnippet: 'oops',
        retryable: true,
      });
    }
  });

  it('reports a 3xx as a redirect with its target, masking the secret', () => {
    const outcome = responseOutcome(
      307,
      { location: 'https://x.test/in?token=hunter2' },
      null,
      'hunter2',
      1,
      now,
    );
    expect(outcome).toMatchObject({ ok: false, errorClass: 'redirect', retryable: true });
    expect(outcome.errorMessage).toBe('HTTP 307 redirect to https://x.test/in?token=*** (not followed)');
    expect(responseOutcome(304, {}, null, null, 1, now).errorMessage).toBe(
      'HTTP 304 redirect (not followed)',
    );
  });

  it('reads Retry-After on 429 and 503 only', () => {
    expect(responseOutcome(429, { 'retry-after': '30' }, null, null, 1, now).retryAfterMs).toBe(30_000);
    expect(
      responseOutcome(503, { 'retry-after': 'Wed, 01 May 2024 12:00:05 GMT' }, null, null, 1, now)
        .retryAfterMs,
    ).toBe(5_000);
    expect(responseOutcome(500, { 'retry-after': '30' }, null, null, 1, now).retryAfterMs).toBeNull();
    expect(responseOutcome(200, { 'retry-after': '30' }, null, null, 1, now).retryAfterMs).toBeNull();
  });
});

describe('failureOutcome', () => {
  it('is retryable for network failures and final for policy refusals', () => {
    expect(failureOutcome('connect', 'connect ECONNREFUSED 127.0.0.1:443', 3)).toEqual({
      ok: false,
      statusCode: null,
      errorClass: 'connect',
      errorMessage: 'connect ECONNREFUSED 127.0.0.1:443',
      responseSnippet: null,
      durationMs: 3,
      retryAfterMs: null,
      retryable: true,
    });
    expect(failureOutcome('blocked-by-policy', 'no', 0).retryable).toBe(false);
    expect(failureOutcome('dns', 'no', 0).retryable).toBe(true);
  });
});
