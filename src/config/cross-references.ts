import { createHash } from 'node:crypto';
import { endpointUrlProblem } from '../delivery/policy/endpoint-url.js';
import type { IssueLike } from '../problems.js';
import { jsonPath } from '../problems.js';
import { endpointKey } from './endpoint-key.js';

/**
 * The rules that look across keys of the document: endpoint policy (which depends on the document's own
 * Delivery flags), duplicates and undeclared security groups. They walk the value defensively because they
 * also run when other parts of the document are invalid, so that every problem is reported at once.
 */

type Path = readonly PropertyKey[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const records = (value: unknown): [number, Record<string, unknown>][] =>
  Array.isArray(value)
    ? value.flatMap((item, index) => (isRecord(item) ? [[index, item] as const] : []))
    : [];
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reports the second and later occurrences of a key, naming where it was first seen. */
class DuplicateFinder {
  private readonly seen = new Map<string, Path>();
  constructor(
    private readonly label: string,
    private readonly issues: IssueLike[],
  ) {}
  check(key: string | undefined, path: Path, shown = key): void {
    if (key === undefined) return;
    const first = this.seen.get(key);
    if (first === undefined) this.seen.set(key, path);
    else
      this.issues.push({ path, message: `duplicate ${this.label} "${shown}" (first at ${jsonPath(first)})` });
  }
}

export function crossReferenceIssues(document: unknown): IssueLike[] {
  const issues: IssueLike[] = [];
  if (!isRecord(document)) return issues;
  const gateway = isRecord(document.Gateway) ? document.Gateway : {};
  const delivery = isRecord(gateway.Delivery) ? gateway.Delivery : {};
  const policy = {
    allowHttp: delivery.AllowHttp === true,
    allowAnyPort: delivery.AllowAnyPort === true,
    allowPrivateNetworks: delivery.AllowPrivateNetworks === true,
  };
  issues.push(...adminTokenIssues(gateway));
  const organizationIds = new DuplicateFinder('OrganizationId', issues);
  // A WebhookId names one webhook in the whole store, so it may appear once in the whole document.
  const webhookIds = new DuplicateFinder('WebhookId', issues);

  for (const [o, organization] of records(document.Organizations)) {
    const orgPath = ['Organizations', o];
    const organizationId = text(organization.OrganizationId);
    organizationIds.check(organizationId?.toLowerCase(), [...orgPath, 'OrganizationId'], organizationId);

    const groupIds = new DuplicateFinder('SecurityGroupId', issues);
    const declared = new Set<string>();
    for (const [s, group] of records(organization.SecurityGroups)) {
      const id = text(group.SecurityGroupId);
      groupIds.check(id?.toLowerCase(), [...orgPath, 'SecurityGroups', s, 'SecurityGroupId'], id);
      if (id !== undefined) declared.add(id.toLowerCase());
    }

    const endpoints = new DuplicateFinder('Endpoint', issues);
    for (const [w, entry] of records(organization.Webhooks)) {
      const entryPath = [...orgPath, 'Webhooks', w];
      const webhook = isRecord(entry.Webhook) ? entry.Webhook : {};
      const endpoint = text(webhook.Endpoint);
      if (endpoint !== undefined) {
        const endpointPath = [...entryPath, 'Webhook', 'Endpoint'];
        const problem = endpointUrlProblem(endpoint, policy);
        if (problem !== null) issues.push({ path: endpointPath, message: problem });
        endpoints.check(endpointKey(endpoint), endpointPath, endpoint);
      }
      const webhookId = text(webhook.WebhookId);
      webhookIds.check(webhookId?.toLowerCase(), [...entryPath, 'Webhook', 'WebhookId'], webhookId);
      for (const [k, subscription] of records(entry.Subscriptions)) {
        const groupId = text(subscription.SecurityGroupId);
        if (groupId !== undefined && !declared.has(groupId.toLowerCase())) {
          issues.push({
            path: [...entryPath, 'Subscriptions', k, 'SecurityGroupId'],
            message: `SecurityGroupId "${groupId}" is not declared in this organization's SecurityGroups`,
          });
        }
      }
    }
  }
  return issues;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Admin token Names are unique (the audit log names the token), and no token opens two doors: an admin
 * token equal to another admin token or to a producer token is refused, compared as SHA-256 digests.
 */
function adminTokenIssues(gateway: Record<string, unknown>): IssueLike[] {
  const issues: IssueLike[] = [];
  const names = new DuplicateFinder('Name', issues);
  const digests = new Map<string, readonly PropertyKey[]>();
  const producers = new Set(
    (Array.isArray(gateway.ProducerTokens) ? gateway.ProducerTokens : []).flatMap((token: unknown) => {
      const value = isRecord(token) ? text(token.Token) : text(token);
      return value === undefined ? [] : [sha256(value)];
    }),
  );
  for (const [i, token] of records(gateway.AdminTokens)) {
    const path = ['Gateway', 'AdminTokens', i];
    names.check(text(token.Name), [...path, 'Name']);
    const plain = text(token.Token);
    const digest = plain === undefined ? text(token.TokenSha256)?.toLowerCase() : sha256(plain);
    if (digest === undefined) continue;
    const key = plain === undefined ? 'TokenSha256' : 'Token';
    const first = digests.get(digest);
    if (first === undefined) digests.set(digest, [...path, key]);
    else issues.push({ path: [...path, key], message: `is the same token as ${jsonPath(first)}` });
    if (producers.has(digest))
      issues.push({
        path: [...path, key],
        message: 'is also a producer token: admin and producer tokens must differ',
      });
  }
  return issues;
}
