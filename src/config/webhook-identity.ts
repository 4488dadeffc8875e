import type { OrgState, WebhookState } from '../store/config/state.js';
import { endpointKey } from './endpoint-key.js';

/** A desired webhook whose identity is settled: the stored webhook it updates, or a new one. */
export type ResolvedWebhook = WebhookState & { webhookId: string };
export type ResolvedOrgState = Omit<OrgState, 'webhooks'> & { webhooks: ResolvedWebhook[] };

/**
 * Gives every desired webhook its WebhookId. One the document names keeps it (an Endpoint change is then
 * an update of that webhook, which keeps its deliveries); one it leaves out takes the id of the stored
 * webhook of its organization at the same Endpoint (compared as endpointKey), else a new id. Pure, given
 * `newId`.
 */
export function resolveWebhookIds(
  current: readonly OrgState[],
  desired: readonly OrgState[],
  newId: () => string,
): ResolvedOrgState[] {
  const currentById = new Map(current.map((o) => [o.organizationId, o]));
  return desired.map((org) => {
    const stored = currentById.get(org.organizationId)?.webhooks ?? [];
    const named = new Set(org.webhooks.flatMap((w) => (w.webhookId === null ? [] : [w.webhookId])));
    // Stored webhooks the document names by id are taken; the others may be found by their Endpoint.
    const byEndpoint = new Map(
      stored.filter((w) => !named.has(w.webhookId as string)).map((w) => [endpointKey(w.endpoint), w]),
    );
    const webhooks = org.webhooks.map((w): ResolvedWebhook => {
      if (w.webhookId !== null) return { ...w, webhookId: w.webhookId };
      const same = byEndpoint.get(endpointKey(w.endpoint));
      return { ...w, webhookId: same?.webhookId ?? newId() };
    });
    return { ...org, webhooks };
  });
}
