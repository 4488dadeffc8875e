import type { Hono } from 'hono';
import { EVENT_TYPE_INFO, EVENT_TYPES } from '../../catalogue/index.js';
import type { AdminApi, ApiProblem } from '../admin-api.js';
import { type Explanation, type Organization, type Page, paths } from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { CsrfField } from '../layout.js';
import { type JsonSchema, sampleFromSchema } from '../sample-from-schema.js';
import {
  type ConsoleContext,
  formOf,
  OrganizationSelect,
  render,
  renderApiError,
  webhookPath,
} from './common.js';
import { SubscriptionVerdicts } from './events.js';

interface EventTypeEntry {
  MainEntityProperty: string | null;
  JsonSchema: JsonSchema;
}

/**
 * A sample event of a type: the one the admin API builds (the spec's example) when it offers that, else
 * one built from the type's schema in the catalogue API (its required properties); null for neither.
 */
async function sampleOf(
  api: AdminApi,
  org: string,
  eventType: string,
): Promise<{ text: string; from: string } | null> {
  const sample = await api.get<unknown>(paths.sample(org, eventType));
  if (sample.ok) return { text: JSON.stringify(sample.body, null, 2), from: 'the spec' };
  const entry = await api.get<EventTypeEntry>(paths.eventType(eventType));
  if (!entry.ok) return null;
  const event = sampleFromSchema(entry.body.JsonSchema, org, entry.body.MainEntityProperty);
  return { text: JSON.stringify(event, null, 2), from: 'the catalogue' };
}

type Outcome = { problems: ApiProblem[] } | { explanation: Explanation } | { refused: string };

async function explain(api: AdminApi, org: string, text: string): Promise<Outcome> {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return { problems: [{ Path: '$', Message: `Not JSON: ${(error as Error).message}` }] };
  }
  const answer = await api.send<Explanation>('POST', paths.explain(org), event);
  if (answer.ok) return { explanation: answer.body };
  if (answer.status === 400)
    return { problems: answer.error.Problems ?? [{ Path: '$', Message: answer.error.Message }] };
  return { refused: answer.error.Message };
}

function OutcomeView({ outcome, org }: { outcome: Outcome; org: string }) {
  if ('refused' in outcome)
    return (
      <p class="error" role="alert">
        {outcome.refused}
      </p>
    );
  if ('problems' in outcome)
    return (
      <ul class="field-error" role="alert">
        {outcome.problems.map((p) => (
          <li>
            <code>{p.Path}</code>: {p.Message}
          </li>
        ))}
      </ul>
    );
  const { WouldReceive, Subscriptions, Duplicate } = outcome.explanation;
  return (
    <section aria-label="Result">
      <h2>Would receive it</h2>
      {Duplicate === true && (
        <p class="warning" data-duplicate="true">
          An event with this Id was already accepted: publishing it again would be acknowledged as a duplicate
          and sent to no webhook. Give it a new Id to see where a new event would go.
        </p>
      )}
      {WouldReceive.length === 0 ? (
        <p data-would-receive="0">No webhook would receive this event.</p>
      ) : (
        <ul data-would-receive={WouldReceive.length}>
          {WouldReceive.map((w) => (
            <li>
              <a href={webhookPath(org, w.WebhookId)}>{w.Endpoint}</a>
              {w.Held ? ' (paused: held until resumed)' : ''}
            </li>
          ))}
        </ul>
      )}
      <h2>Every subscription of this type</h2>
      <SubscriptionVerdicts verdicts={Subscriptions} organization={org} />
    </section>
  );
}

async function simulatorPage(c: ConsoleContext, input?: { org: string; eventType: string; text: string }) {
  const api = c.get('api');
  const orgs = await api.get<Page<Organization>>(paths.organizations, { Limit: '500' });
  if (!orgs.ok) return renderApiError(c, 'Simulator', orgs.status, orgs.error);
  const org = input?.org ?? c.req.query('OrganizationId') ?? orgs.body.Items[0]?.OrganizationId ?? '';
  const eventType = input?.eventType ?? c.req.query('EventType') ?? EVENT_TYPES[0];
  const sample = input === undefined && org !== '' ? await sampleOf(api, org, eventType) : null;
  const text = input?.text ?? sample?.text ?? '{}';
  const outcome = input === undefined ? undefined : await explain(api, org, text);
  const session = c.get('session');
  return render(
    c,
    'Simulator',
    <>
      <p>
        Which webhooks would receive an event, and why the others would not. Nothing is stored or sent. The
        event is checked against the catalogue as you type.
      </p>
      {input === undefined && sample !== null && (
        <p class="muted" data-sample-from={sample.from}>
          A sample {eventType} from {sample.from}: edit it freely.
        </p>
      )}
      <form method="get" action="/console/simulator" class="filters" aria-label="Choose a sample">
        <OrganizationSelect ids={orgs.body.Items.map((o) => o.OrganizationId)} selected={org} />
        <label>
          EventType
          <select name="EventType">
            {EVENT_TYPE_INFO.map((t) => (
              <option value={t.EventType} selected={t.EventType === eventType}>
                {t.EventType}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Load sample</button>
      </form>
      <form
        method="post"
        action="/console/simulator"
        class="stack"
        aria-label="Simulate"
        data-check="/console/simulator/check"
        data-check-output="simulator-check"
      >
        <CsrfField session={session} />
        <input type="hidden" name="OrganizationId" value={org} />
        <input type="hidden" name="EventType" value={eventType} />
        <label>
          Event (JSON)
          <textarea name="Event" spellcheck={false} rows={18}>
            {text}
          </textarea>
        </label>
        <ul id="simulator-check" aria-live="polite" />
        <button type="submit" class="primary">
          Explain
        </button>
      </form>
      {outcome !== undefined && <OutcomeView outcome={outcome} org={org} />}
    </>,
    outcome !== undefined && 'problems' in outcome ? 400 : 200,
  );
}

export function simulatorPages(app: Hono<ConsoleEnv>): void {
  app.get('/simulator', (c) => simulatorPage(c));
  app.post('/simulator', async (c) => {
    const form = await formOf(c);
    return simulatorPage(c, {
      org: form.OrganizationId ?? '',
      eventType: form.EventType ?? '',
      text: form.Event ?? '',
    });
  });
  // Validation as you type: the API's own problems for the text as it stands (explain stores nothing).
  app.post('/simulator/check', async (c) => {
    const form = await formOf(c);
    const outcome = await explain(c.get('api'), form.OrganizationId ?? '', form.Event ?? '');
    if ('refused' in outcome) return c.json({ Problems: [{ Path: '$', Message: outcome.refused }] });
    if ('problems' in outcome) return c.json({ Problems: outcome.problems });
    return c.json({ Problems: [], WouldReceive: outcome.explanation.WouldReceive.length });
  });
}
