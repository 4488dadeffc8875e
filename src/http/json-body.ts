import type { Context } from 'hono';
import { jsonDepthProblem } from '../catalogue/json-depth.js';
import { ApiError } from './errors.js';

/** application/json or a +json type (application/problem+json), with parameters; nothing else. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads a JSON request body: a missing or other media type is 415, bytes that are not UTF-8 or text that
 * is not JSON 400 (never replaced with U+FFFD), and nesting past MAX_JSON_DEPTH 400 naming the limit.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  if (type === undefined || !JSON_MEDIA_TYPE.test(type.trim())) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      type === undefined
        ? 'Content-Type is missing: send Content-Type: application/json'
        : `Content-Type must be application/json, got ${type}`,
    );
  }
  let text: string;
  try {
    text = UTF8.decode(await c.req.arrayBuffer());
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new ApiError('BAD_REQUEST', 'Body is not valid UTF-8', [{ path: '$', message: 'not valid UTF-8' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `Body is not valid JSON: ${(error as Error).message}`, [
      { path: '$', message: 'not valid JSON' },
    ]);
  }
  const tooDeep = jsonDepthProblem(value);
  if (tooDeep !== null) throw new ApiError('BAD_REQUEST', tooDeep.message, [tooDeep]);
  return value;
}
