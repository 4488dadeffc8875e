import type { Hono } from 'hono';
import { type AdminApi, problemsByField } from '../admin-api.js';
import { type Health, type Organization, type Page, paths, type Webhook } from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { CsrfField, canEdit, FieldErrors } from '../layout.js';
import { concurrencyLimit } from '../limit.js';
import {
  age,
  type ConsoleContext,
  formOf,
  Notice,
  orgPath,
  render,
  renderApiError,
  webhookPath,
  withNotice,
} from './common.js';
import {
  type Errors,
  formValues,
  WebhookFields,
  type WebhookFormValues,
  webhookBody,
} from './webhook-forms.js';

interface WebhookRow {
  webhook: Webhook;
  health: Health | null;
}

/** A webhook is failing when its breaker is not closed, or its last attempt failed. */
export function isFailing(health: Health | null): boolean {
  if (health === null) return false;
  if (health.Breaker === 'open' || health.Breaker === 'half-open') return true;
  const failure = health.LastFailure?.At ?? null;
  return failure !== null && (health.LastSuccessAt === null || failure > health.LastSuccessAt);
}

/**
 * The API has no health summary per organization, so a page reads each webhook's health; one page's
 * reads share this many places, however many organizations and webhooks it shows.
 */
export const HEALTH_READS_AT_ONCE = 8;

type Limit = ReturnType<typeof concurrencyLimit>;

async function webhookRows(api: AdminApi, org: string, limit: Limit): Promise<WebhookRow[] | null> {
  const list = await api.get<Page<Webhook>>(paths.webhooks(org), { Limit: '500' });
  if (!list.ok) return null;
  return Promise.all(
    list.body.Items.map(async (webhook) => {
      const health = await limit(() => api.get<Health>(paths.health(org, webhook.WebhookId)));
      return { webhook, health: health.ok ? health.body : null };
    }),
  );
}

function Summary({ rows }: { rows: WebhookRow[] }) {
  const waiting = rows.reduce((n, r) => n + (r.health?.Waiting ?? 0), 0);
  const oldest = rows.reduce<number | null>((m, r) => {
    const a = r.health?.OldestWaitingAgeSeconds ?? null;
    return a === null ? m : Math.max(m ?? 0, a);
  }, null);
  return (
    <dl class="filters">
      <dt>Webhooks</dt>
      <dd data-count="webhooks">{rows.length}</dd>
      <dt>Failing</dt>
      <dd data-count="failing">{rows.filter((r) => isFailing(r.health)).length}</dd>
      <dt>Paused</dt>
      <dd data-count="paused">{rows.filter((r) => !r.webhook.Enabled).length}</dd>
      <dt>Waiting</dt>
      <dd data-count="waiting">{waiting}</dd>
      <dt>Oldest waiting</dt>
      <dd data-count="oldest">{age(oldest)}</dd>
    </dl>
  );
}

function WebhookTable({ org, rows }: { org: string; rows: WebhookRow[] }) {
  if (rows.length === 0) return <p class="muted">No webhooks.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Endpoint</th>
          <th>Description</th>
          <th>State</th>
          <th>Breaker</th>
          <th>Waiting</th>
          <th>Oldest</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ webhook, health }) => (
          <tr>
            <td>
              <a href={webhookPath(org, webhook.WebhookId)}>{webhook.Endpoint}</a>
            </td>
            <td>{webhook.Description ?? ''}</td>
            <td>
              {webhook.Enabled ? (
                isFailing(health) ? (
                  <span class="state-failed">failing</span>
                ) : (
                  'active'
                )
              ) : (
                <span class="state-paused">paused</span>
              )}
            </td>
            <td>{health?.Breaker ?? '—'}</td>
            <td>{health?.Waiting ?? '—'}</td>
            <td>{age(health?.OldestWaitingAgeSeconds ?? null)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function organizationPages(app: Hono<ConsoleEnv>): void {
  app.get('/organizations', async (c) => {
    const api = c.get('api');
    const list = await api.get<Page<Organization>>(paths.organizations, {
      Limit: '100',
      Cursor: c.req.query('Cursor'),
    });
    if (!list.ok) return renderApiError(c, 'Organizations', list.status, list.error);
    const limit = concurrencyLimit(HEALTH_READS_AT_ONCE);
    const sections = await Promise.all(
      list.body.Items.map(async (o) => ({
        org: o.OrganizationId,
        rows: await webhookRows(api, o.OrganizationId, limit),
      })),
    );
    return render(
      c,
      'Organizations',
      <>
        <Notice c={c} />
        {sections.length === 0 && <p class="muted">No organization this token may see.</p>}
        {sections.map(({ org, rows }) => (
          <section aria-label={`Organization ${org}`} data-organization={org}>
            <h2>
              <a href={orgPath(org)}>{org}</a>
            </h2>
            {rows === null ? (
              <p class="error">Its webhooks could not be read.</p>
            ) : (
              <>
                <Summary rows={rows} />
                <WebhookTable org={org} rows={rows} />
              </>
            )}
          </section>
        ))}
        {list.body.NextCursor !== null && (
          <a href={`/console/organizations?Cursor=${encodeURIComponent(list.body.NextCursor)}`}>
            More organizations
          </a>
        )}
      </>,
    );
  });

  app.get('/organizations/:org', (c) => organizationPage(c));
  app.post('/organizations/:org/webhooks', async (c) => {
    const org = c.req.param('org');
    const form = await formOf(c);
    const body = { ...webhookBody(form), Enabled: true, ...(form.Secret ? { Secret: form.Secret } : {}) };
    const answer = await c.get('api').send<Webhook>('POST', paths.webhooks(org), body);
    if (answer.ok) return c.redirect(withNotice(webhookPath(org, answer.body.WebhookId), 'created'), 303);
    if (answer.status === 403 || answer.status === 404)
      return renderApiError(c, 'New webhook', answer.status, answer.error);
    return organizationPage(c, { values: formValues(form), errors: problemsByField(answer.error) });
  });
}

const EMPTY: WebhookFormValues = { Endpoint: '', Description: '', TimeoutSeconds: '5', InsecureSSL: false };

async function organizationPage(c: ConsoleContext, create?: { values: WebhookFormValues; errors: Errors }) {
  const org = c.req.param('org') as string;
  const api = c.get('api');
  const session = c.get('session');
  const rows = await webhookRows(api, org, concurrencyLimit(HEALTH_READS_AT_ONCE));
  if (rows === null) {
    const again = await api.get(paths.webhooks(org));
    if (!again.ok) return renderApiError(c, `Organization ${org}`, again.status, again.error);
  }
  return render(
    c,
    `Organization ${org}`,
    <>
      <Notice c={c} />
      <Summary rows={rows ?? []} />
      <WebhookTable org={org} rows={rows ?? []} />
      <p>
        <a href={`/console/events?OrganizationId=${encodeURIComponent(org)}`}>Events of this organization</a>{' '}
        · <a href={`/console/simulator?OrganizationId=${encodeURIComponent(org)}`}>Simulator</a> ·{' '}
        <a href={`/console/audit?OrganizationId=${encodeURIComponent(org)}`}>Audit log</a>
      </p>
      {canEdit(session) && (
        <form method="post" action={`${orgPath(org)}/webhooks`} class="stack" aria-label="New webhook">
          <h2>New webhook</h2>
          <CsrfField session={session} />
          <WebhookFields values={create?.values ?? EMPTY} errors={create?.errors} editable={true} />
          <label>
            Secret (optional)
            <input name="Secret" type="password" autocomplete="new-password" />
            <FieldErrors errors={create?.errors} field="Secret" />
          </label>
          <FieldErrors errors={create?.errors} field="" />
          <button type="submit" class="primary">
            Create webhook
          </button>
        </form>
      )}
    </>,
    create === undefined ? 200 : 400,
  );
}
