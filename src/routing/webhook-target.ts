/** What the delivery engine needs to reach a webhook, kept in memory so a send never reads config rows. */
export interface WebhookTarget {
  /** The store's row id: what routes, lanes and deliveries refer to. */
  id: number;
  /** The public identity (a Guid), for logs and support. */
  webhookId: string;
  organizationId: string;
  endpoint: string;
  secret: string | null;
  insecureSsl: boolean;
  timeoutMs: number;
  retryScheduleSeconds: readonly number[] | null;
  /** False: paused. Its deliveries are recorded and held until it is enabled again. */
  enabled: boolean;
}

/** True when a lane must look at the webhook again: anything the engine reads of it changed. */
export function sameTarget(a: WebhookTarget, b: WebhookTarget): boolean {
  return (
    a.endpoint === b.endpoint &&
    a.secret === b.secret &&
    a.insecureSsl === b.insecureSsl &&
    a.timeoutMs === b.timeoutMs &&
    a.enabled === b.enabled &&
    String(a.retryScheduleSeconds) === String(b.retryScheduleSeconds)
  );
}

/** A URL's origin, the part of an Endpoint logs may name (never its path or query). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid URL';
  }
}
