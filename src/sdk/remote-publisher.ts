import { Agent, request } from 'undici';
import { EventValidationError, type GatewayEvent } from '../catalogue/index.js';
import type { Problem } from '../problems.js';
import type { Publisher, PublishResult } from './publisher.js';

export interface RemotePublisherOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** One of the gateway's ProducerTokens. */
  token: string;
  timeoutMs?: number;
}

/** Refusal by the gateway that is not about the events themselves (401, 413, 5xx, ...). */
export class RemotePublishError extends Error {
  override readonly name = 'RemotePublishError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  Error?: { Code?: string; Message?: string; Problems?: { Path: string; Message: string }[] };
}

/**
 * The SDK for producers outside the gateway's process: the same typed Publisher, over POST /v1/events.
 * Invalid events are refused by the gateway with the catalogue's problems, rethrown here as the same
 * EventValidationError an in-process producer would get.
 */
export class RemotePublisher implements Publisher {
  private readonly agent: Agent;
  private readonly base: string;

  constructor(private readonly options: RemotePublisherOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  }

  async publish(event: GatewayEvent): Promise<PublishResult> {
    const { Results } = await this.send<{ Results: PublishResult[] }>('POST', '/v1/events', event);
    return Results[0] as PublishResult;
  }

  async publishBatch(events: readonly GatewayEvent[]): Promise<PublishResult[]> {
    const { Results } = await this.send<{ Results: PublishResult[] }>('POST', '/v1/events', events);
    return Results;
  }

  async replaceSecurityGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<void> {
    const path = `/v1/organizations/${encodeURIComponent(organizationId)}/security-groups/${encodeURIComponent(securityGroupId)}`;
    await this.send('PUT', path, { EntityIds: entityIds });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    const response = await request(`${this.base}${path}`, {
      method,
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: this.options.timeoutMs ?? 30_000,
      bodyTimeout: this.options.timeoutMs ?? 30_000,
    });
    const text = await response.body.text();
    const json = text === '' ? {} : JSON.parse(text);
    if (response.statusCode < 300) return json as T;
    const error = (json as ErrorBody).Error ?? {};
    const problems = (error.Problems ?? []).map((p) => ({ path: p.Path, message: p.Message }));
    if (error.Code === 'INVALID_EVENT') throw new EventValidationError(problems);
    throw new RemotePublishError(
      response.statusCode,
      error.Code ?? 'HTTP_ERROR',
      error.Message ?? text,
      problems,
    );
  }
}
