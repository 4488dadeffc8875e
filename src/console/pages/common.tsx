import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ApiErrorBody } from '../admin-api.js';
import { paths } from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { Layout } from '../layout.js';

export type ConsoleContext = Context<ConsoleEnv>;

type Status = 200 | 400 | 403 | 404 | 409 | 412 | 422 | 428 | 500 | 503;

/** A page inside the layout, for the signed-in session of this request. */
export function render(c: ConsoleContext, title: string, body: Child, status: Status = 200) {
  return c.html(
    <Layout title={title} session={c.get('session')}>
      {body}
    </Layout>,
    status,
  );
}

/** An API refusal as a page: its status passed on (404 stays 404, 403 stays 403), its words shown. */
export function renderApiError(
  c: ConsoleContext,
  title: string,
  status: number,
  error: ApiErrorBody['Error'],
) {
  const known = [400, 403, 404, 409, 412, 422, 428, 503];
  return render(c, title, <ApiErrorView error={error} />, (known.includes(status) ? status : 500) as Status);
}

export function ApiErrorView({ error }: { error: ApiErrorBody['Error'] }) {
  return (
    <div class="error" role="alert">
      <p>
        {error.Message} <span class="muted">({error.Code})</span>
      </p>
      {(error.Problems ?? []).length > 0 && (
        <ul>
          {(error.Problems ?? []).map((p) => (
            <li>
              <code>{p.Path}</code>: {p.Message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The messages a redirect may carry (?notice=key): only these, so a link cannot make the console show
 * words of someone else's choosing.
 */
export const NOTICES = {
  created: 'Webhook created.',
  saved: 'Settings saved.',
  secret: 'Secret saved.',
  paused: 'Paused: new deliveries are held.',
  resumed: 'Resumed: held deliveries are being sent.',
  subscriptionAdded: 'Subscription added.',
  subscriptionUpdated: 'Subscription updated.',
  subscriptionSaved: 'Subscription saved.',
  subscriptionRemoved: 'Subscription removed.',
  redelivered: 'One more attempt is on its way.',
} as const;

export type NoticeKey = keyof typeof NOTICES;

/** The message of the redirect that led here, shown at the top of the page. */
export function Notice({ c }: { c: ConsoleContext }) {
  const key = c.req.query('notice') ?? '';
  const text = Object.hasOwn(NOTICES, key) ? NOTICES[key as NoticeKey] : undefined;
  if (text === undefined) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

export const withNotice = (path: string, notice: NoticeKey) =>
  `${path}${path.includes('?') ? '&' : '?'}notice=${notice}`;

/** The form's fields as strings (file uploads are not part of any console form). */
export async function formOf(c: ConsoleContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v) => typeof v === 'string').join(',');
  }
  return out;
}

/** Every value of a repeated field (checkboxes). */
export async function allOf(c: ConsoleContext, name: string): Promise<string[]> {
  const body = await c.req.parseBody({ all: true });
  const value = body[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * A `datetime-local` value in the viewer's zone (the script fills the form's `tz` field with the
 * browser's offset; without it the value is read as UTC) as ISO 8601 UTC; "" stays undefined.
 */
export function localToIso(
  value: string | undefined,
  tzOffsetMinutes: string | undefined,
): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const base = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  if (Number.isNaN(base)) return value;
  const offset = Number(tzOffsetMinutes ?? 0);
  return new Date(base + (Number.isFinite(offset) ? offset : 0) * 60_000).toISOString();
}

/** The From and To of a filter form, read in the viewer's zone (the tz field the script fills). */
export function TimeWindowFields({ from, to }: { from: string | undefined; to: string | undefined }) {
  return (
    <>
      <input type="hidden" name="tz" value="" />
      <label>
        From (your time)
        <input type="datetime-local" name="From" value={from ?? ''} />
      </label>
      <label>
        To (your time)
        <input type="datetime-local" name="To" value={to ?? ''} />
      </label>
    </>
  );
}

/** A filter form's From and To as the API's ISO 8601 query values. */
export const windowQuery = (q: Record<string, string | undefined>) => ({
  From: localToIso(q.From, q.tz),
  To: localToIso(q.To, q.tz),
});

/** A choice of the organizations the token may see. */
export function OrganizationSelect({ ids, selected }: { ids: string[]; selected: string | undefined }) {
  return (
    <label>
      Organization
      <select name="OrganizationId">
        {ids.map((id) => (
          <option value={id} selected={id === selected}>
            {id}
          </option>
        ))}
      </select>
    </label>
  );
}

export const orgPath = (org: string) => `/console/organizations/${encodeURIComponent(org)}`;
export const webhookPath = (org: string, id: string) => `${orgPath(org)}/webhooks/${encodeURIComponent(id)}`;
export const eventPath = (id: string) => `/console/events/${encodeURIComponent(id)}`;

export function StateBadge({ state }: { state: string }) {
  return <span class={`state-${state}`}>{state}</span>;
}

export function age(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/**
 * A webhook page whose webhook the API no longer has (deleted by someone else while the page was open,
 * or never this token's): said in words, with the way back, instead of the API's bare 404.
 */
export function webhookGone(c: ConsoleContext, title: string) {
  const org = c.req.param('org') as string;
  const id = c.req.param('id') as string;
  return render(
    c,
    title,
    <div class="error" role="alert" data-gone="webhook">
      <p>
        Webhook <code>{id}</code> is not there any more: someone may have deleted it since this page was
        opened.{c.req.method === 'POST' ? ' Nothing was changed.' : ''}
      </p>
      <p>
        <a href={orgPath(org)}>Back to organization {org}</a>
      </p>
    </div>,
    404,
  );
}

/**
 * A refused action on a webhook page. A 404 may be the webhook itself gone, or only the thing acted on
 * (a subscription): the webhook is read again to tell which.
 */
export async function refusedOnWebhook(
  c: ConsoleContext,
  title: string,
  answer: { status: number; error: ApiErrorBody['Error'] },
) {
  if (answer.status === 404) {
    const webhook = await c
      .get('api')
      .get(paths.webhook(c.req.param('org') as string, c.req.param('id') as string));
    if (!webhook.ok && webhook.status === 404) return webhookGone(c, title);
  }
  return renderApiError(c, title, answer.status, answer.error);
}
