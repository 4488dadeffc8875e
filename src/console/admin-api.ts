/** How the console reaches the admin API: in process, through the gateway's own HTTP app. */
export type AdminFetch = (request: Request) => Response | Promise<Response>;

export interface ApiProblem {
  Path: string;
  Message: string;
}

export interface ApiErrorBody {
  Error: { Code: string; Message: string; Problems?: ApiProblem[] };
}

export type ApiAnswer<T> =
  | { ok: true; status: number; body: T; etag: string | null }
  | { ok: false; status: number; error: ApiErrorBody['Error'] };

/** The requests never leave the process: this origin only gives Request a URL to parse. */
const ORIGIN = 'http://console.internal';

/**
 * The admin API as the session's token sees it. Every answer comes from the API's own auth, roles and
 * scopes: the console adds no permission of its own.
 */
export class AdminApi {
  constructor(
    private readonly fetch: AdminFetch,
    private readonly token: string,
  ) {}

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<ApiAnswer<T>> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') params.set(key, value);
    const search = params.size > 0 ? `?${params}` : '';
    return this.call<T>('GET', `${path}${search}`);
  }

  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, ifMatch?: string) {
    return this.call<T>(method, path, body, ifMatch);
  }

  /** The raw response, for streams and for answers the console passes on as they are. */
  raw(method: string, path: string, body?: unknown, ifMatch?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    return Promise.resolve(
      this.fetch(
        new Request(`${ORIGIN}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      ),
    );
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<ApiAnswer<T>> {
    const response = await this.raw(method, path, body, ifMatch);
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (response.ok)
      return { ok: true, status: response.status, body: parsed as T, etag: response.headers.get('etag') };
    const error = (parsed as Partial<ApiErrorBody> | null)?.Error;
    return {
      ok: false,
      status: response.status,
      error: error ?? { Code: `HTTP_${response.status}`, Message: `The API answered ${response.status}` },
    };
  }
}

/**
 * The problems of an answer keyed by the form field they name: `$.Endpoint` -> `Endpoint`,
 * `$.Webhook.Endpoint` -> `Endpoint`; problems naming no field are under "".
 */
export function problemsByField(error: ApiErrorBody['Error']): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  const problems = error.Problems ?? [];
  if (problems.length === 0) byField.set('', [error.Message]);
  for (const p of problems) {
    const field = /([A-Za-z][A-Za-z0-9]*)(?:\[\d+\])?$/.exec(p.Path)?.[1] ?? '';
    const list = byField.get(field) ?? [];
    list.push(p.Message);
    byField.set(field, list);
  }
  return byField;
}
