import type { Hono } from 'hono';
import { problemsByField } from '../admin-api.js';
import {
  DELIVERY_STATES,
  type DeliverySummary,
  type Health,
  type Page,
  paths,
  type Subscription,
  type TestAttempt,
  type Webhook,
} from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { CsrfField, canEdit, FieldErrors, Time } from '../layout.js';
import {
  ApiErrorView,
  age,
  type ConsoleContext,
  eventPath,
  formOf,
  Notice,
  type NoticeKey,
  refusedOnWebhook,
  render,
  renderApiError,
  StateBadge,
  TimeWindowFields,
  webhookGone,
  webhookPath,
  windowQuery,
  withNotice,
} from './common.js';
import {
  type Errors,
  EventTypeList,
  formValues,
  SubscriptionFields,
  subscriptionBody,
  targetOf,
  valuesOf,
  WebhookFields,
  type WebhookFormValues,
  webhookBody,
} from './webhook-forms.js';

interface Extra {
  settings?: { values: WebhookFormValues; errors: Errors };
  subscriptionErrors?: Errors;
  secretErrors?: Errors;
  test?: TestAttempt | { error: string };
  status?: 200 | 400 | 409 | 412;
}

function HealthView({ health }: { health: Health | null }) {
  if (health === null) return <p class="muted">Health is not available.</p>;
  const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
  const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);
  return (
    <table aria-label="Health">
      <tbody>
        <tr>
          <th>Breaker</th>
          <td data-health="breaker">{health.Breaker}</td>
          <th>Waiting</th>
          <td data-health="waiting">
            {health.Waiting} (oldest {age(health.OldestWaitingAgeSeconds)})
          </td>
        </tr>
        <tr>
          <th>Last 5 minutes</th>
          <td>
            {health.Last5Minutes.Attempts} attempts, success {pct(health.Last5Minutes.SuccessRate)}, p99{' '}
            {ms(health.Last5Minutes.P99Ms)}
          </td>
          <th>Last hour</th>
          <td>
            {health.LastHour.Attempts} attempts, success {pct(health.LastHour.SuccessRate)}, p99{' '}
            {ms(health.LastHour.P99Ms)}
          </td>
        </tr>
        <tr>
          <th>Last success</th>
          <td>
            <Time at={health.LastSuccessAt} />
          </td>
          <th>Last failure</th>
          <td>
            {health.LastFailure === null ? (
              <span class="muted">none</span>
            ) : (
              <>
                <Time at={health.LastFailure.At} />{' '}
                {health.LastFailure.StatusCode ?? health.LastFailure.ErrorClass}
              </>
            )}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function TestResult({ test }: { test: NonNullable<Extra['test']> }) {
  if ('error' in test)
    return (
      <p class="error" role="alert" data-test-result>
        {test.error}
      </p>
    );
  return (
    <div role="status" data-test-result>
      <p class={test.Ok ? 'notice' : 'error'}>
        {test.EventType} test event to {test.Endpoint}:{' '}
        {test.StatusCode !== null ? `answered ${test.StatusCode}` : `failed (${test.ErrorClass})`} in{' '}
        {test.DurationMs} ms
        {test.ErrorMessage !== null ? ` — ${test.ErrorMessage}` : ''}
      </p>
      {test.ResponseSnippet !== null && test.ResponseSnippet !== '' && <pre>{test.ResponseSnippet}</pre>}
    </div>
  );
}

async function webhookPage(c: ConsoleContext, extra: Extra = {}) {
  const org = c.req.param('org') as string;
  const id = c.req.param('id') as string;
  const api = c.get('api');
  const session = c.get('session');
  const webhook = await api.get<Webhook>(paths.webhook(org, id));
  if (!webhook.ok)
    return webhook.status === 404
      ? webhookGone(c, 'Webhook')
      : renderApiError(c, 'Webhook', webhook.status, webhook.error);
  const state = c.req.query('State');
  const query = {
    State: state,
    ...windowQuery(c.req.query()),
    Cursor: c.req.query('Cursor'),
    Limit: '50',
  };
  const [subs, health, deliveries] = await Promise.all([
    api.get<Page<Subscription>>(paths.subscriptions(org, id), { Limit: '500' }),
    api.get<Health>(paths.health(org, id)),
    api.get<Page<DeliverySummary>>(paths.deliveries(org, id), query),
  ]);
  const editable = canEdit(session);
  const w = webhook.body;
  const base = webhookPath(org, id);
  const settings = extra.settings ?? { values: valuesOf(w), errors: undefined };
  return render(
    c,
    `Webhook ${w.Description ?? w.Endpoint}`,
    <>
      <Notice c={c} />
      <p>
        <a href={`/console/organizations/${encodeURIComponent(org)}`}>Organization {org}</a> · WebhookId{' '}
        <code>{w.WebhookId}</code> · <a href={`${base}/tail`}>Live tail</a>
        {editable && (
          <>
            {' · '}
            <a
              href={`/console/recover?OrganizationId=${encodeURIComponent(org)}&WebhookId=${encodeURIComponent(id)}`}
            >
              Recover
            </a>
          </>
        )}
      </p>
      <p data-webhook-state>
        {w.Enabled ? (
          'Active: deliveries are sent.'
        ) : (
          <span class="state-paused">Paused: deliveries are held.</span>
        )}
      </p>
      {editable && (
        <form method="post" action={`${base}/enabled`} class="inline">
          <CsrfField session={session} />
          <input type="hidden" name="etag" value={webhook.etag ?? ''} />
          <input type="hidden" name="Enabled" value={w.Enabled ? 'false' : 'true'} />
          <button type="submit">{w.Enabled ? 'Pause' : 'Resume'}</button>
        </form>
      )}

      <h2>Settings</h2>
      <form method="post" action={`${base}/settings`} class="stack" aria-label="Settings">
        <CsrfField session={session} />
        <input type="hidden" name="etag" value={webhook.etag ?? ''} />
        <WebhookFields values={settings.values} errors={settings.errors} editable={editable} />
        <FieldErrors errors={settings.errors} field="" />
        {editable && (
          <button type="submit" class="primary">
            Save settings
          </button>
        )}
      </form>

      <h2>Secret</h2>
      <p>
        {w.HasSecret ? 'A secret is set (sent as X-Benemen-Token).' : 'No secret: no token header is sent.'}
      </p>
      {editable && (
        <form method="post" action={`${base}/secret`} class="inline">
          <CsrfField session={session} />
          <label>
            {w.HasSecret ? 'New secret' : 'Secret'}
            <input name="Secret" type="password" autocomplete="new-password" required />
          </label>
          <button type="submit">{w.HasSecret ? 'Rotate secret' : 'Set secret'}</button>
          <FieldErrors errors={extra.secretErrors} field="Secret" />
          <FieldErrors errors={extra.secretErrors} field="" />
        </form>
      )}

      <h2>Subscriptions</h2>
      {!subs.ok ? (
        <ApiErrorView error={subs.error} />
      ) : (
        <table aria-label="Subscriptions">
          <thead>
            <tr>
              <th>EventType</th>
              <th>Target</th>
              <th>Enabled</th>
              {editable && <th>Change</th>}
            </tr>
          </thead>
          <tbody>
            {subs.body.Items.map((s) => (
              <tr data-subscription={s.SubscriptionId}>
                <td>{s.EventType}</td>
                <td>{targetOf(s)}</td>
                <td>{s.Enabled ? 'yes' : <span class="state-paused">disabled</span>}</td>
                {editable && (
                  <td>
                    <form
                      method="post"
                      action={`${base}/subscriptions/${s.SubscriptionId}/enabled`}
                      class="inline"
                    >
                      <CsrfField session={session} />
                      <input type="hidden" name="Shown" value={JSON.stringify(s)} />
                      <input type="hidden" name="Enabled" value={s.Enabled ? 'false' : 'true'} />
                      <button type="submit">{s.Enabled ? 'Disable' : 'Enable'}</button>
                    </form>{' '}
                    <details>
                      <summary>Edit</summary>
                      <form method="post" action={`${base}/subscriptions/${s.SubscriptionId}`} class="stack">
                        <input type="hidden" name="Shown" value={JSON.stringify(s)} />
                        <SubscriptionFields
                          session={session}
                          idPrefix={s.SubscriptionId}
                          errors={undefined}
                          values={{
                            EventType: s.EventType,
                            Target:
                              s.EntityId !== undefined
                                ? 'EntityId'
                                : s.SecurityGroupId !== undefined
                                  ? 'SecurityGroupId'
                                  : 'AllEntities',
                            TargetId: s.EntityId ?? s.SecurityGroupId ?? '',
                            Enabled: s.Enabled,
                          }}
                        />
                        <button type="submit">Save subscription</button>
                      </form>
                    </details>{' '}
                    <form
                      method="post"
                      action={`${base}/subscriptions/${s.SubscriptionId}/delete`}
                      class="inline"
                    >
                      <CsrfField session={session} />
                      <input type="hidden" name="Shown" value={JSON.stringify(s)} />
                      <button type="submit" class="danger">
                        Remove
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && (
        <form method="post" action={`${base}/subscriptions`} class="stack" aria-label="Add subscription">
          <h3>Add a subscription</h3>
          <SubscriptionFields
            session={session}
            idPrefix="new"
            errors={extra.subscriptionErrors}
            values={{ EventType: '', Target: 'AllEntities', TargetId: '', Enabled: true }}
          />
          <FieldErrors errors={extra.subscriptionErrors} field="" />
          <button type="submit" class="primary">
            Add subscription
          </button>
        </form>
      )}
      <EventTypeList />

      <h2>Health</h2>
      <HealthView health={health.ok ? health.body : null} />

      {editable && (
        <>
          <h2>Send test event</h2>
          <form method="post" action={`${base}/test`} class="inline" aria-label="Send test event">
            <CsrfField session={session} />
            <label>
              EventType
              <input name="EventType" list="event-types" required autocomplete="off" />
            </label>
            <button type="submit">Send test event</button>
          </form>
          {extra.test !== undefined && <TestResult test={extra.test} />}
        </>
      )}

      <h2>Recent deliveries</h2>
      <form method="get" action={base} class="filters" aria-label="Filter deliveries">
        <label>
          State
          <select name="State">
            <option value="">any</option>
            {DELIVERY_STATES.map((s) => (
              <option value={s} selected={state === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <TimeWindowFields from={c.req.query('From')} to={c.req.query('To')} />
        <button type="submit">Filter</button>
      </form>
      {!deliveries.ok ? (
        <ApiErrorView error={deliveries.error} />
      ) : (
        <DeliveryTable items={deliveries.body.Items} />
      )}
      {deliveries.ok && deliveries.body.NextCursor !== null && (
        <a
          href={`${base}?${new URLSearchParams({ ...(state ? { State: state } : {}), Cursor: deliveries.body.NextCursor })}`}
        >
          Older deliveries
        </a>
      )}
    </>,
    extra.status ?? 200,
  );
}

export function DeliveryTable({ items }: { items: DeliverySummary[] }) {
  if (items.length === 0) return <p class="muted">No deliveries.</p>;
  return (
    <table aria-label="Deliveries">
      <thead>
        <tr>
          <th>Created</th>
          <th>Event</th>
          <th>EventType</th>
          <th>State</th>
          <th>Attempts</th>
          <th>Last answer</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr data-delivery={d.DeliveryId}>
            <td>
              <Time at={d.CreatedAt} />
            </td>
            <td>
              <a href={eventPath(d.EventId)}>{d.EventId}</a>
            </td>
            <td>{d.EventType}</td>
            <td>
              <StateBadge state={d.State} />
            </td>
            <td>{d.AttemptCount}</td>
            <td>{d.LastStatus ?? d.LastErrorClass ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A subscription change is checked against what the page showed: if someone changed it meanwhile, the
 * change is not made (the API's If-Match does the same for the webhook itself).
 */
async function currentSubscription(c: ConsoleContext, shown: string | undefined) {
  const org = c.req.param('org') as string;
  const id = c.req.param('id') as string;
  const sub = c.req.param('sub') as string;
  const current = await c.get('api').get<Subscription>(paths.subscription(org, id, sub));
  if (!current.ok) return { kind: 'refused', status: current.status, error: current.error } as const;
  if (shown !== JSON.stringify(current.body)) return { kind: 'changed' } as const;
  return { kind: 'same', etag: current.etag ?? undefined, subscription: current.body } as const;
}

export function webhookPages(app: Hono<ConsoleEnv>): void {
  const base = '/organizations/:org/webhooks/:id';
  const back = (c: ConsoleContext) => webhookPath(c.req.param('org') as string, c.req.param('id') as string);
  const ids = (c: ConsoleContext) => [c.req.param('org') as string, c.req.param('id') as string] as const;

  app.get(base, (c) => webhookPage(c));

  app.post(`${base}/settings`, async (c) => {
    const form = await formOf(c);
    const [org, id] = ids(c);
    const answer = await c.get('api').send('PATCH', paths.webhook(org, id), webhookBody(form), form.etag);
    if (answer.ok) return c.redirect(withNotice(back(c), 'saved'), 303);
    const errors = problemsByField(answer.error);
    if (answer.status === 412)
      errors.set('', ['Someone changed this webhook since you opened the page: reload it and try again.']);
    return webhookPage(c, {
      settings: { values: formValues(form), errors },
      status: answer.status === 412 ? 412 : 400,
    });
  });

  app.post(`${base}/enabled`, async (c) => {
    const form = await formOf(c);
    const [org, id] = ids(c);
    const enabled = form.Enabled === 'true';
    const answer = await c.get('api').send('PATCH', paths.webhook(org, id), { Enabled: enabled }, form.etag);
    if (!answer.ok) return refusedOnWebhook(c, 'Pause or resume', answer);
    return c.redirect(withNotice(back(c), enabled ? 'resumed' : 'paused'), 303);
  });

  app.post(`${base}/secret`, async (c) => {
    const form = await formOf(c);
    const [org, id] = ids(c);
    const answer = await c.get('api').send('POST', paths.secret(org, id), { Secret: form.Secret ?? '' });
    if (answer.ok) return c.redirect(withNotice(back(c), 'secret'), 303);
    if (answer.status === 403 || answer.status === 404) return refusedOnWebhook(c, 'Secret', answer);
    return webhookPage(c, { secretErrors: problemsByField(answer.error), status: 400 });
  });

  app.post(`${base}/subscriptions`, async (c) => {
    const form = await formOf(c);
    const [org, id] = ids(c);
    const answer = await c.get('api').send('POST', paths.subscriptions(org, id), subscriptionBody(form));
    if (answer.ok) return c.redirect(withNotice(back(c), 'subscriptionAdded'), 303);
    if (answer.status === 403 || answer.status === 404) return refusedOnWebhook(c, 'Subscription', answer);
    return webhookPage(c, {
      subscriptionErrors: problemsByField(answer.error),
      status: answer.status === 409 ? 409 : 400,
    });
  });

  const subscriptionChange = (
    suffix: string,
    change: (form: Record<string, string>, s: Subscription) => { method: 'PATCH' | 'DELETE'; body?: unknown },
    done: NoticeKey,
  ) =>
    app.post(`${base}/subscriptions/:sub${suffix}`, async (c) => {
      const form = await formOf(c);
      const [org, id] = ids(c);
      const current = await currentSubscription(c, form.Shown);
      if (current.kind === 'refused') return refusedOnWebhook(c, 'Subscription', current);
      if (current.kind === 'changed')
        return renderApiError(c, 'Subscription', 409, {
          Code: 'CONFLICT',
          Message:
            'This subscription changed since you opened the page: nothing was changed. Reload and try again.',
        });
      const { method, body } = change(form, current.subscription);
      const sub = c.req.param('sub') as string;
      const answer = await c.get('api').send(method, paths.subscription(org, id, sub), body, current.etag);
      if (!answer.ok) return refusedOnWebhook(c, 'Subscription', answer);
      return c.redirect(withNotice(back(c), done), 303);
    });

  subscriptionChange(
    '/enabled',
    (form) => ({ method: 'PATCH', body: { Enabled: form.Enabled === 'true' } }),
    'subscriptionUpdated',
  );
  subscriptionChange('/delete', () => ({ method: 'DELETE' }), 'subscriptionRemoved');
  subscriptionChange('', (form) => ({ method: 'PATCH', body: subscriptionBody(form) }), 'subscriptionSaved');

  app.post(`${base}/test`, async (c) => {
    const form = await formOf(c);
    const [org, id] = ids(c);
    const answer = await c
      .get('api')
      .send<TestAttempt>('POST', paths.test(org, id), { EventType: form.EventType ?? '' });
    if (answer.ok) return webhookPage(c, { test: answer.body });
    if (answer.status === 403 || answer.status === 404) return refusedOnWebhook(c, 'Send test event', answer);
    const words = (answer.error.Problems ?? []).map((p) => `${p.Path}: ${p.Message}`);
    return webhookPage(c, {
      test: { error: words.length > 0 ? words.join(' ') : answer.error.Message },
      status: 400,
    });
  });
}
