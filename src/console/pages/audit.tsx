import type { Hono } from 'hono';
import { type Page, paths } from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { Time } from '../layout.js';
import { ApiErrorView, render, TimeWindowFields, windowQuery } from './common.js';

/** An audit entry as the console shows it; the API's other fields are shown as JSON. */
interface AuditEntry {
  At?: string;
  Actor?: string;
  Action?: string;
  Resource?: string;
  OrganizationId?: string | null;
  Before?: unknown;
  After?: unknown;
  [key: string]: unknown;
}

export function auditPages(app: Hono<ConsoleEnv>): void {
  app.get('/audit', async (c) => {
    const q = c.req.query();
    const answer = await c.get('api').get<Page<AuditEntry>>(paths.audit, {
      OrganizationId: q.OrganizationId,
      Resource: q.Resource,
      ...windowQuery(q),
      Cursor: q.Cursor,
      Limit: '100',
    });
    return render(
      c,
      'Audit log',
      <>
        <form method="get" action="/console/audit" class="filters" aria-label="Filter the audit log">
          <label>
            OrganizationId
            <input name="OrganizationId" value={q.OrganizationId ?? ''} />
          </label>
          <label>
            Resource
            <input name="Resource" value={q.Resource ?? ''} placeholder="webhook, subscription, ..." />
          </label>
          <TimeWindowFields from={q.From} to={q.To} />
          <button type="submit">Filter</button>
        </form>
        {!answer.ok ? (
          <ApiErrorView error={answer.error} />
        ) : answer.body.Items.length === 0 ? (
          <p class="muted">No entries.</p>
        ) : (
          <table aria-label="Audit entries">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Organization</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {answer.body.Items.map((e) => (
                <tr>
                  <td>
                    <Time at={e.At} />
                  </td>
                  <td>{e.Actor}</td>
                  <td>
                    {e.Action} {e.Resource}
                  </td>
                  <td>{e.OrganizationId ?? ''}</td>
                  <td>
                    <details>
                      <summary>before / after</summary>
                      <pre>{JSON.stringify({ Before: e.Before, After: e.After }, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {answer.ok && answer.body.NextCursor !== null && (
          <a href={`/console/audit?${new URLSearchParams({ ...q, Cursor: answer.body.NextCursor })}`}>
            Older entries
          </a>
        )}
      </>,
    );
  });
}
