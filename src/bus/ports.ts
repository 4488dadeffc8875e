/**
 * What the bus needs from the layers below it, declared here so that it imports none of them: the
 * service wires the implementations (the store's EventRecorder, the service's Directory), and TypeScript
 * checks there that they fit.
 */

/** One event ready to be recorded: its routing facts, its exact JSON, and who must receive it. */
export interface EventRecord {
  id: string;
  organizationId: string;
  eventType: string;
  entityId: string;
  occurredAt: string;
  expiresAt: number | null;
  payload: string;
  webhookIds: readonly number[];
}

/** What recording one event gave. */
export interface RecordedEvent {
  id: string;
  /** Webhooks the event was matched to (for a duplicate: when it was first accepted). */
  matched: number;
  duplicate: boolean;
}

/**
 * Records events with their deliveries: all of a call or none. When nothing could be recorded it rejects
 * with an error named StoreError (see isStoreRefusal), which producers may simply retry.
 */
export interface EventSink {
  write(records: readonly EventRecord[]): Promise<RecordedEvent[]>;
}

/** True for the sink's "nothing was recorded, retry" refusal, whichever store implementation made it. */
export function isStoreRefusal(error: unknown): error is Error {
  return error instanceof Error && error.name === 'StoreError';
}

/**
 * True for the directory's refusal of a group whose members the configuration document lists (an error
 * named DocumentOwnsMembersError, whose message names the document as their owner).
 */
export function isOwnedByDocument(error: unknown): error is Error {
  return error instanceof Error && error.name === 'DocumentOwnsMembersError';
}

/** Security group membership as producers replace it; see isOwnedByDocument for its one refusal. */
export interface MembershipDirectory {
  replaceMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<{
    created: boolean;
    /** The identifiers as stored: lower-cased, members without repeats. */
    organizationId: string;
    securityGroupId: string;
    entityIds: string[];
  }>;
}

/** The outcome of one published event, the same in process and over HTTP. */
export interface PublishResult {
  /** The event's Id, as published. */
  Id: string;
  /** How many webhooks the event was matched to (for a duplicate: when it was first accepted). */
  Matched: number;
  /** True when an event with this Id was already accepted: it is not stored or delivered again. */
  Duplicate: boolean;
}
