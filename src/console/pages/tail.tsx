import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AdminApi } from '../admin-api.js';
import { type DeliverySummary, type Page, paths, type Webhook } from '../api-types.js';
import type { ConsoleEnv } from '../console-env.js';
import { render, renderApiError, webhookGone, webhookPath } from './common.js';

/** How often the tail asks the API for the webhook's newest deliveries. */
const POLL_MS = 1000;

export interface TailRow {
  At: string;
  DeliveryId: number;
  EventId: string;
  EventType: string;
  State: string;
  Attempts: number;
}

const rowOf = (d: DeliverySummary): TailRow => ({
  At: d.LastAttemptAt ?? d.CreatedAt,
  DeliveryId: d.DeliveryId,
  EventId: d.EventId,
  EventType: d.EventType,
  State: d.State,
  Attempts: d.AttemptCount,
});

/**
 * Pure: what changed between two reads of the newest deliveries: the new ones and those whose state or
 * attempt count moved, oldest first (the page puts each on top as it comes).
 */
export function changes(seen: Map<number, string>, items: readonly DeliverySummary[]): DeliverySummary[] {
  const out: DeliverySummary[] = [];
  for (const d of [...items].reverse()) {
    const mark = `${d.State} ${d.AttemptCount}`;
    if (seen.get(d.DeliveryId) === mark) continue;
    seen.set(d.DeliveryId, mark);
    out.push(d);
  }
  // Only the deliveries of the last read are kept, so the map stays the size of one page.
  const live = new Set(items.map((d) => d.DeliveryId));
  for (const id of seen.keys()) if (!live.has(id)) seen.delete(id);
  return out;
}

async function newest(api: AdminApi, org: string, id: string) {
  return api.get<Page<DeliverySummary>>(paths.deliveries(org, id), { Limit: '50' });
}

export function tailPages(app: Hono<ConsoleEnv>, isShuttingDown: () => boolean): void {
  const base = '/organizations/:org/webhooks/:id/tail';
  app.get(base, async (c) => {
    const org = c.req.param('org');
    const id = c.req.param('id');
    const webhook = await c.get('api').get<Webhook>(paths.webhook(org, id));
    if (!webhook.ok)
      return webhook.status === 404
        ? webhookGone(c, 'Live tail')
        : renderApiError(c, 'Live tail', webhook.status, webhook.error);
    const stream = `${webhookPath(org, id)}/tail/stream`;
    return render(
      c,
      `Live tail: ${webhook.body.Description ?? webhook.body.Endpoint}`,
      <>
        <p>
          <a href={webhookPath(org, id)}>Back to the webhook</a> ·{' '}
          <span id="tail-status" role="status">
            Live: connecting...
          </span>
        </p>
        <table aria-label="Live deliveries" data-tail={stream} data-tail-status="tail-status">
          <thead>
            <tr>
              <th>At</th>
              <th>DeliveryId</th>
              <th>EventType</th>
              <th>State</th>
              <th>Attempts</th>
            </tr>
          </thead>
          <tbody />
        </table>
        <p class="muted">
          Needs the console's script (server-sent events); without it, reload the webhook's page.
        </p>
      </>,
    );
  });

  // Server-sent events built on the deliveries list: each new delivery, and each change of state, once.
  app.get(`${base}/stream`, async (c) => {
    const org = c.req.param('org');
    const id = c.req.param('id');
    // While the gateway stops, a reconnecting tail is told to stop (EventSource gives up on a 503) and its
    // connection is closed, so it does not keep the server open.
    if (isShuttingDown()) return c.text('The gateway is stopping.', 503, { Connection: 'close' });
    const api = c.get('api');
    const first = await newest(api, org, id);
    if (!first.ok) return c.json({ Error: first.error }, first.status === 404 ? 404 : 403);
    return streamSSE(c, async (sse) => {
      const seen = new Map<number, string>();
      let items = first.body.Items;
      let open = true;
      // Reconnect soon after a stream ends (the browser's default wait is longer).
      await sse.writeSSE({ event: 'hello', data: '', retry: 1000 });
      sse.onAbort(() => {
        open = false;
      });
      while (open && !isShuttingDown()) {
        for (const d of changes(seen, items))
          await sse.writeSSE({ event: 'delivery', data: JSON.stringify(rowOf(d)), id: String(d.DeliveryId) });
        await sse.sleep(POLL_MS);
        if (!open || isShuttingDown()) break;
        const next = await newest(api, org, id);
        if (!next.ok) {
          await sse.writeSSE({ event: 'end', data: next.error.Message });
          break;
        }
        items = next.body.Items;
      }
    });
  });
}
