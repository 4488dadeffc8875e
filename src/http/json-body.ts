import type { Context } from 'hono';
import { ApiError } from './errors.js';

/** Reads a JSON request body, refusing other media types (415) and text that is not JSON (400). */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json, got ${type}`);
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `Body is not valid JSON: ${(error as Error).message}`, [
      { path: '$', message: 'not valid JSON' },
    ]);
  }
}
