import type { Hono } from 'hono';
import {
  type Attempt,
  type EventSummary,
  type EventTrace,
  type Organization,
  type Page,
  paths,
  type SubscriptionVerdict,
} from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { CsrfField, canEdit, Time } from '../layout.js';
import type { Session } from '../session.js';
import {
  ApiErrorView,
  eventPath,
  formOf,
  Notice,
  OrganizationSelect,
  render,
  renderApiError,
  StateBadge,
  TimeWindowFields,
  webhookPath,
  windowQuery,
  withNotice,
} from './common.js';
import { EventTypeList } from './webhook-forms.js';

function AttemptLine({ a }: { a: Attempt }) {
  const outcome = a.StatusCode !== null ? `HTTP ${a.StatusCode}` : (a.ErrorClass ?? 'no answer');
  return (
    <li data-attempt={a.AttemptNo}>
      #{a.AttemptNo} <Time at={a.StartedAt} /> —{' '}
      <strong class={a.StatusCode !== null && a.StatusCode < 300 ? 'state-delivered' : 'state-failed'}>
        {outcome}
      </strong>
      , {a.DurationMs} ms
      {a.ErrorMessage !== null && <span class="muted"> ({a.ErrorMessage})</span>}
      {a.ResponseSnippet !== null && a.ResponseSnippet !== '' && <pre>{a.ResponseSnippet}</pre>}
    </li>
  );
}

/** Why a subscription did not match, in words a support person can repeat to a customer. */
export function verdictWords(v: SubscriptionVerdict): string {
  if (v.Matches)
    return v.WebhookEnabled ? 'Matched.' : 'Matched, but the webhook is paused: held until resumed.';
  const reasons = v.Reasons.length > 0 ? v.Reasons.join('; ') : 'it did not apply';
  return `Not matched: ${reasons}.${v.Note !== null ? ` ${v.Note}` : ''}`;
}

function TraceView({ trace, session }: { trace: EventTrace; session: Session }) {
  const e = trace.Event;
  const editable = canEdit(session);
  return (
    <>
      {e !== null && (
        <table aria-label="Event">
          <tbody>
            <tr>
              <th>Id</th>
              <td>
                <code>{e.Id}</code>
              </td>
              <th>EventType</th>
              <td>{e.EventType}</td>
            </tr>
            <tr>
              <th>Organization</th>
              <td>{e.OrganizationId}</td>
              <th>EntityId</th>
              <td>{e.EntityId}</td>
            </tr>
            <tr>
              <th>Accepted</th>
              <td>
                <Time at={e.AcceptedAt} />
              </td>
              <th>Matched webhooks</th>
              <td>{e.Matched}</td>
            </tr>
          </tbody>
        </table>
      )}
      {trace.Pruned !== null && (
        <p class="warning">
          This event was accepted <Time at={trace.Pruned.AcceptedAt} /> and pruned{' '}
          <Time at={trace.Pruned.PrunedAt} /> after its retention period of {trace.Pruned.RetentionDays} days.
        </p>
      )}
      <h2>Deliveries</h2>
      {trace.Deliveries.length === 0 && <p class="muted">No webhook received this event.</p>}
      {trace.Deliveries.map((d) => (
        <section aria-label={`Delivery ${d.DeliveryId}`} data-delivery={d.DeliveryId}>
          <h3>
            <a href={webhookPath(e?.OrganizationId ?? '', d.WebhookId)}>{d.Description ?? d.Endpoint}</a>:{' '}
            <StateBadge state={d.State} />{' '}
            <span class="muted">
              ({d.AttemptCount} attempt{d.AttemptCount === 1 ? '' : 's'}
              {d.NextAttemptAt !== null && (
                <>
                  , next <Time at={d.NextAttemptAt} />
                </>
              )}
              )
            </span>
          </h3>
          <ol class="timeline" aria-label="Attempts">
            {d.Attempts.map((a) => (
              <AttemptLine a={a} />
            ))}
          </ol>
          {editable && e !== null && (
            <form method="post" action={`/console/deliveries/${d.DeliveryId}/redeliver`} class="inline">
              <CsrfField session={session} />
              <input type="hidden" name="EventId" value={e.Id} />
              {d.State === 'expired' && (
                <label class="check">
                  <input type="checkbox" name="Force" value="true" /> Force (its TTL has passed)
                </label>
              )}
              <button type="submit">Redeliver</button>
            </form>
          )}
        </section>
      ))}
      <h2>Subscriptions of this type</h2>
      <SubscriptionVerdicts verdicts={trace.Subscriptions} organization={e?.OrganizationId ?? ''} />
    </>
  );
}

export function SubscriptionVerdicts({
  verdicts,
  organization,
}: {
  verdicts: SubscriptionVerdict[];
  organization: string;
}) {
  if (verdicts.length === 0)
    return <p class="muted">No subscription to this event type in the organization.</p>;
  return (
    <table aria-label="Subscriptions of this type">
      <thead>
        <tr>
          <th>Webhook</th>
          <th>Target</th>
          <th>Verdict</th>
        </tr>
      </thead>
      <tbody>
        {verdicts.map((v) => (
          <tr data-matches={String(v.Matches)}>
            <td>
              <a href={webhookPath(organization, v.WebhookId)}>{v.Endpoint}</a>
            </td>
            <td>{v.Target}</td>
            <td class={v.Matches ? 'state-delivered' : 'state-failed'}>{verdictWords(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventList({ items }: { items: EventSummary[] }) {
  if (items.length === 0) return <p class="muted">No events.</p>;
  return (
    <table aria-label="Events">
      <thead>
        <tr>
          <th>Accepted</th>
          <th>Id</th>
          <th>EventType</th>
          <th>EntityId</th>
          <th>Deliveries</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr>
            <td>
              <Time at={e.AcceptedAt} />
            </td>
            <td>
              <a href={eventPath(e.Id)}>{e.Id}</a>
            </td>
            <td>{e.EventType}</td>
            <td>{e.EntityId}</td>
            <td>
              {Object.entries(e.Deliveries)
                .map(([state, n]) => `${n} ${state}`)
                .join(', ') || 'none'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function eventPages(app: Hono<ConsoleEnv>): void {
  app.get('/events', async (c) => {
    const q = c.req.query();
    const id = (q.Id ?? '').trim();
    if (id !== '') return c.redirect(eventPath(id), 303);
    const api = c.get('api');
    const orgs = await api.get<Page<Organization>>(paths.organizations, { Limit: '500' });
    if (!orgs.ok) return renderApiError(c, 'Events', orgs.status, orgs.error);
    const org = q.OrganizationId ?? orgs.body.Items[0]?.OrganizationId;
    const list =
      org === undefined
        ? null
        : await api.get<Page<EventSummary>>(paths.events, {
            OrganizationId: org,
            EventType: q.EventType,
            EntityId: q.EntityId,
            ...windowQuery(q),
            Cursor: q.Cursor,
            Limit: '50',
          });
    return render(
      c,
      'Events',
      <>
        <form method="get" action="/console/events" class="filters" aria-label="Find events">
          <label>
            Event Id
            <input name="Id" value="" placeholder="Guid" size={38} />
          </label>
          <OrganizationSelect ids={orgs.body.Items.map((o) => o.OrganizationId)} selected={org} />
          <label>
            EventType
            <input name="EventType" list="event-types" value={q.EventType ?? ''} autocomplete="off" />
          </label>
          <label>
            EntityId
            <input name="EntityId" value={q.EntityId ?? ''} />
          </label>
          <TimeWindowFields from={q.From} to={q.To} />
          <button type="submit">Search</button>
        </form>
        <EventTypeList />
        {list === null ? (
          <p class="muted">No organization this token may see.</p>
        ) : !list.ok ? (
          <ApiErrorView error={list.error} />
        ) : (
          <>
            <EventList items={list.body.Items} />
            {list.body.NextCursor !== null && (
              <a
                href={`/console/events?${new URLSearchParams({ ...q, Cursor: list.body.NextCursor, OrganizationId: org ?? '' })}`}
              >
                Older events
              </a>
            )}
          </>
        )}
      </>,
    );
  });

  app.get('/events/:id', async (c) => {
    const trace = await c.get('api').get<EventTrace>(paths.event(c.req.param('id')));
    if (!trace.ok) return renderApiError(c, `Event ${c.req.param('id')}`, trace.status, trace.error);
    return render(
      c,
      `Event ${c.req.param('id')}`,
      <>
        <Notice c={c} />
        <TraceView trace={trace.body} session={c.get('session')} />
        <details>
          <summary>The same answer as text (gateway trace)</summary>
          <pre>{trace.body.Text.join('\n')}</pre>
        </details>
      </>,
    );
  });

  app.post('/deliveries/:delivery/redeliver', async (c) => {
    const form = await formOf(c);
    const body = form.Force === 'true' ? { Force: true } : {};
    const answer = await c.get('api').send('POST', paths.redeliver(c.req.param('delivery')), body);
    if (!answer.ok) return renderApiError(c, 'Redeliver', answer.status, answer.error);
    const back =
      form.EventId !== undefined && form.EventId !== '' ? eventPath(form.EventId) : '/console/events';
    return c.redirect(withNotice(back, 'redelivered'), 303);
  });
}
