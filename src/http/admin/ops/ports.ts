import type {
  DeliveryDetailJson,
  DeliverySummaryJson,
  EventDetailJson,
  EventSummaryJson,
  ExplainJson,
  HealthJson,
  JobJson,
  PageJson,
  TestAttemptJson,
  TestRecordJson,
} from './schema.js';

/** Times are ms since the epoch here; the routes parse and the implementation formats. */
export interface EventQuery {
  organizationId: string;
  eventType?: string | undefined;
  entityId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface DeliveryQuery {
  states?: readonly string[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface RecoveryRequest {
  states: readonly ('delivered' | 'discarded' | 'expired' | 'cancelled')[];
  since: number;
  until: number;
}

/**
 * What support's routes need (src/service/support/ implements it). Lookups answer null for what does not
 * exist; the routes check the organization scope on what they get back (OrganizationId). Refusals (a
 * cursor not handed out, a delivery in flight) are thrown as ApiError.
 */
export interface SupportOperations {
  listEvents(query: EventQuery): Promise<PageJson<EventSummaryJson>>;
  /** Null when no event with this Id was ever accepted (a pruned one answers with Pruned). */
  getEvent(eventId: string): Promise<EventDetailJson | null>;
  listDeliveries(
    organizationId: string,
    webhookId: string,
    query: DeliveryQuery,
  ): Promise<PageJson<DeliverySummaryJson> | null>;
  getDelivery(deliveryId: number): Promise<DeliveryDetailJson | null>;
  health(organizationId: string, webhookId: string): Promise<HealthJson | null>;
  /** One more attempt now; an expired delivery only with force. */
  /** requestedBy: the token's Name, audited with the re-queue. */
  redeliver(deliveryId: number, force: boolean, requestedBy: string): Promise<DeliveryDetailJson>;
  /** Null when the webhook does not exist in the organization. */
  countRecoverable(
    organizationId: string,
    webhookId: string,
    request: RecoveryRequest,
  ): Promise<number | null>;
  /** Starts a recovery job (null: no such webhook); 409 for a paused or deleted webhook. */
  startRecovery(
    organizationId: string,
    webhookId: string,
    request: RecoveryRequest,
    createdBy: string,
  ): Promise<JobJson | null>;
  getJob(jobId: string): Promise<JobJson | null>;
  /** A webhook's recovery jobs, newest first (null: no such webhook). */
  jobsOf(organizationId: string, webhookId: string, limit: number): Promise<JobJson[] | null>;
  /** Null: no such job; one that already ended is answered unchanged. */
  cancelJob(jobId: string): Promise<JobJson | null>;
  /** A webhook's kept test sends, newest first; null: no such webhook. */
  testsOf(organizationId: string, webhookId: string): Promise<TestRecordJson[] | null>;
  testSend(
    organizationId: string,
    webhookId: string,
    eventType: string,
    sentBy: string,
  ): Promise<TestAttemptJson | null>;
  /** Validates the event (400 INVALID_EVENT with every problem) and explains its routing; stores nothing. */
  explain(organizationId: string, event: unknown): Promise<ExplainJson>;
}
