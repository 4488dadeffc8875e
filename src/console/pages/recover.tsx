import type { Hono } from 'hono';
import type { AdminApi } from '../admin-api.js';
import {
  type Job,
  type Organization,
  type Page,
  paths,
  RECOVERABLE_STATES,
  type Webhook,
} from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { CsrfField, canEdit, Time } from '../layout.js';
import {
  allOf,
  type ConsoleContext,
  formOf,
  localToIso,
  render,
  renderApiError,
  webhookPath,
} from './common.js';

interface Choice {
  org: string;
  webhook: Webhook;
}

async function choices(
  api: AdminApi,
): Promise<Choice[] | { status: number; error: { Code: string; Message: string } }> {
  const orgs = await api.get<Page<Organization>>(paths.organizations, { Limit: '500' });
  if (!orgs.ok) return orgs;
  const lists = await Promise.all(
    orgs.body.Items.map(async (o) => {
      const hooks = await api.get<Page<Webhook>>(paths.webhooks(o.OrganizationId), { Limit: '500' });
      return hooks.ok ? hooks.body.Items.map((webhook) => ({ org: o.OrganizationId, webhook })) : [];
    }),
  );
  return lists.flat();
}

interface Request {
  target: string;
  since: string;
  until: string;
  states: string[];
  /** The window as typed (the viewer's local time), shown again with the count. */
  typed: { since: string; until: string };
}

const jobPath = (id: string) => `/console/jobs/${encodeURIComponent(id)}`;

async function recoverPage(c: ConsoleContext, request?: Request, count?: { n: number } | { error: string }) {
  if (!canEdit(c.get('session')))
    return render(c, 'Recover', <p class="muted">Recovering deliveries needs the editor role.</p>, 403);
  const found = await choices(c.get('api'));
  if (!Array.isArray(found)) return renderApiError(c, 'Recover', found.status, found.error);
  const session = c.get('session');
  const preset =
    request?.target ?? `${c.req.query('OrganizationId') ?? ''}|${c.req.query('WebhookId') ?? ''}`;
  const states = request?.states ?? ['discarded', 'expired'];
  return render(
    c,
    'Recover',
    <>
      <p>
        Queue deliveries of one webhook again: every delivery of the chosen states created in the window gets
        one more attempt, in batches that leave room for fresh traffic.
      </p>
      <form method="post" action="/console/recover" class="stack" aria-label="Recover">
        <CsrfField session={session} />
        <input type="hidden" name="tz" value="" />
        <label>
          Webhook
          <select name="Target" required>
            {found.map((ch) => (
              <option
                value={`${ch.org}|${ch.webhook.WebhookId}`}
                selected={preset === `${ch.org}|${ch.webhook.WebhookId}`}
              >
                {ch.webhook.Description ?? ch.webhook.Endpoint} ({ch.webhook.Endpoint})
              </option>
            ))}
          </select>
        </label>
        <label>
          Since (your time)
          {/* The script fills in an hour ago in the viewer's zone; only the browser knows that zone. */}
          <input
            type="datetime-local"
            name="Since"
            value={request?.typed.since ?? ''}
            data-ago-minutes="60"
            required
          />
        </label>
        <label>
          Until (your time; empty: now)
          <input type="datetime-local" name="Until" value={request?.typed.until ?? ''} />
        </label>
        <fieldset>
          <legend>States</legend>
          {RECOVERABLE_STATES.map((s) => (
            <label class="check">
              <input type="checkbox" name="States" value={s} checked={states.includes(s)} /> {s}
            </label>
          ))}
        </fieldset>
        <button type="submit">Count</button>
      </form>
      {count !== undefined && request !== undefined && 'error' in count && (
        <p class="error" role="alert">
          {count.error}
        </p>
      )}
      {count !== undefined && request !== undefined && 'n' in count && (
        <form method="post" action="/console/recover/start" class="stack" aria-label="Confirm recovery">
          <p role="status" data-recover-count={count.n}>
            {count.n} deliver{count.n === 1 ? 'y' : 'ies'} ({request.states.join(', ')}) between{' '}
            <Time at={request.since} /> and <Time at={request.until} /> would be queued again.
          </p>
          <CsrfField session={session} />
          <input type="hidden" name="Target" value={request.target} />
          <input type="hidden" name="Since" value={request.since} />
          <input type="hidden" name="Until" value={request.until} />
          {request.states.map((s) => (
            <input type="hidden" name="States" value={s} />
          ))}
          {count.n > 0 && (
            <button type="submit" class="primary">
              Recover {count.n}
            </button>
          )}
        </form>
      )}
    </>,
    count !== undefined && 'error' in count ? 400 : 200,
  );
}

async function requestOf(c: ConsoleContext, iso: boolean): Promise<Request> {
  const form = await formOf(c);
  const states = await allOf(c, 'States');
  const since = iso ? (form.Since ?? '') : (localToIso(form.Since, form.tz) ?? '');
  const until = iso ? (form.Until ?? '') : (localToIso(form.Until, form.tz) ?? new Date().toISOString());
  const typed = { since: iso ? '' : (form.Since ?? ''), until: iso ? '' : (form.Until ?? '') };
  return { target: form.Target ?? '', since, until, states, typed };
}

const split = (target: string) => {
  const [org = '', id = ''] = target.split('|');
  return { org, id };
};

export function recoverPages(app: Hono<ConsoleEnv>): void {
  app.get('/recover', (c) => recoverPage(c));

  app.post('/recover', async (c) => {
    const request = await requestOf(c, false);
    const { org, id } = split(request.target);
    const answer = await c
      .get('api')
      .send<{ Count: number }>('POST', `${paths.recover(org, id)}?dryRun=true`, {
        Since: request.since,
        Until: request.until,
        States: request.states,
      });
    if (!answer.ok) {
      if (answer.status === 403 || answer.status === 404)
        return renderApiError(c, 'Recover', answer.status, answer.error);
      const words = (answer.error.Problems ?? []).map((p) => `${p.Path}: ${p.Message}`).join(' ');
      return recoverPage(c, request, { error: words === '' ? answer.error.Message : words });
    }
    return recoverPage(c, request, { n: answer.body.Count });
  });

  app.post('/recover/start', async (c) => {
    const request = await requestOf(c, true);
    const { org, id } = split(request.target);
    const answer = await c.get('api').send<Job>('POST', paths.recover(org, id), {
      Since: request.since,
      Until: request.until,
      States: request.states,
    });
    if (!answer.ok) return renderApiError(c, 'Recover', answer.status, answer.error);
    return c.redirect(jobPath(answer.body.JobId), 303);
  });

  app.get('/jobs/:id', async (c) => {
    const job = await c.get('api').get<Job>(paths.job(c.req.param('id')));
    if (!job.ok) return renderApiError(c, 'Recovery job', job.status, job.error);
    const j = job.body;
    const session = c.get('session');
    return render(
      c,
      'Recovery job',
      <>
        <p>
          Webhook <a href={webhookPath(j.OrganizationId, j.WebhookId)}>{j.WebhookId}</a>:{' '}
          {j.States.join(', ')} between <Time at={j.Since} /> and <Time at={j.Until} />.
        </p>
        <progress
          max={Math.max(j.Total, 1)}
          value={j.Done}
          data-job={`${jobPath(j.JobId)}/progress`}
          data-job-label="job-label"
        >
          {j.Done} of {j.Total}
        </progress>{' '}
        <span id="job-label" role="status" data-job-state={j.State}>
          {j.State}: {j.Done} of {j.Total}
        </span>
        {j.Error !== null && <p class="error">{j.Error}</p>}
        {j.State === 'running' && canEdit(session) && (
          <form method="post" action={`${jobPath(j.JobId)}/cancel`} class="inline">
            <CsrfField session={session} />
            <button type="submit" class="danger">
              Cancel
            </button>
          </form>
        )}
      </>,
    );
  });

  // The progress bar's script reads this: the job as the API gives it, for this session's token.
  app.get('/jobs/:id/progress', async (c) => {
    const job = await c.get('api').get<Job>(paths.job(c.req.param('id')));
    if (!job.ok) return c.json({ Error: job.error }, job.status === 404 ? 404 : 400);
    return c.json(job.body);
  });

  app.post('/jobs/:id/cancel', async (c) => {
    const answer = await c.get('api').send<Job>('POST', paths.cancelJob(c.req.param('id')));
    if (!answer.ok) return renderApiError(c, 'Cancel', answer.status, answer.error);
    return c.redirect(jobPath(c.req.param('id')), 303);
  });
}
