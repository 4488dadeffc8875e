import { createHash } from 'node:crypto';

/** Admin tokens for tests: one per role, unscoped, plus helpers to call the admin API. */
export const ADMIN = { Name: 'ada', Token: 'admin-token-0123456789', Role: 'admin' } as const;
export const EDITOR = { Name: 'eddie', Token: 'editor-token-0123456789', Role: 'editor' } as const;
export const VIEWER = { Name: 'vera', Token: 'viewer-token-0123456789', Role: 'viewer' } as const;

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface AdminCall {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** One admin API request with a bearer token (or none), JSON in and out. */
export async function adminCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<AdminCall> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? ADMIN.Token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

/** The Code of an error answer. */
export const codeOf = (call: AdminCall): unknown => (call.body.Error as { Code?: unknown } | undefined)?.Code;

/** A gateway of either store, started for a shared scenario, with a read of its own database. */
export interface ScenarioGateway {
  url: string;
  /** Rows of a query without parameters (the same SQL on SQLite and PostgreSQL). */
  rows(sql: string): Promise<unknown[]>;
  stop(): Promise<void>;
}
