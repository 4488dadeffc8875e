import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway, TOKEN } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    organizations: [
      organization(ORG, [{ endpoint: 'http://127.0.0.1:9/hook', eventTypes: ['UserStatus', 'QueueStatus'] }]),
    ],
  });
});
afterAll(() => gw.cleanup());

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const storedEvents = () => gw.rows<{ n: number }>('SELECT count(*) AS n FROM events')[0]?.n;

describe('POST /v1/events', () => {
  it('accepts one event with 202, naming its Id, matches and duplicate flag', async () => {
    const event = specEvent('UserStatus', ORG);
    const response = await post(event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ Results: [{ Id: event.Id, Matched: 1, Duplicate: false }] });
    const [row] = gw.rows<{ payload: string; match_count: number }>(
      'SELECT payload, match_count FROM events WHERE id = ?',
      event.Id,
    );
    expect(JSON.parse(row?.payload ?? '')).toEqual(event);
  });

  it('accepts a batch and reports each event; an event not subscribed to matches nobody', async () => {
    const events = [
      specEvent('UserStatus', ORG),
      specEvent('QueueStatus', ORG),
      specEvent('UserCallInArrived', ORG),
    ];
    const response = await post(events);
    expect(response.status).toBe(202);
    const { Results } = (await response.json()) as { Results: { Id: string; Matched: number }[] };
    expect(Results.map((r) => [r.Id, r.Matched])).toEqual([
      [events[0]?.Id, 1],
      [events[1]?.Id, 1],
      [events[2]?.Id, 0],
    ]);
  });

  it('keeps unknown extra properties exactly as sent', async () => {
    const event = { ...specEvent('UserStatus', ORG), FutureField: { nested: [1, 'two'] } };
    expect((await post(event)).status).toBe(202);
    const [row] = gw.rows<{ payload: string }>('SELECT payload FROM events WHERE id = ?', event.Id);
    expect(row?.payload).toBe(JSON.stringify(event));
  });

  it('acknowledges a repeated Id as a duplicate and stores and delivers it once', async () => {
    const event = specEvent('UserStatus', ORG);
    await post(event);
    const again = await post({ ...event, Id: event.Id.toUpperCase() });
    expect(await again.json()).toEqual({
      Results: [{ Id: event.Id.toUpperCase(), Matched: 1, Duplicate: true }],
    });
    const counts = gw.rows<{ events: number; deliveries: number }>(
      `SELECT (SELECT count(*) FROM events WHERE id = ?) AS events,
              (SELECT count(*) FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE e.id = ?) AS deliveries`,
      event.Id,
      event.Id,
    )[0];
    expect(counts).toEqual({ events: 1, deliveries: 1 });
  });

  it('refuses a batch with one bad event whole, naming its index and paths, storing nothing', async () => {
    const before = storedEvents();
    const good = specEvent('UserStatus', ORG);
    const bad = { ...specEvent('UserStatus', ORG), Talking: 'yes', Timestamp: undefined };
    const response = await post([good, bad]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { Error: { Code: string; Problems: { Path: string }[] } };
    expect(body.Error.Code).toBe('INVALID_EVENT');
    expect(body.Error.Problems.map((p) => p.Path).sort()).toEqual(['$[1].Talking', '$[1].Timestamp']);
    expect(storedEvents()).toBe(before);
  });

  it('suggests the nearest EventType for a typo', async () => {
    const response = await post({ ...specEvent('UserStatus', ORG), EventType: 'QueueCallInConnected' });
    const body = (await response.json()) as { Error: { Problems: { Path: string; Message: string }[] } };
    expect(body.Error.Problems).toContainEqual(
      expect.objectContaining({
        Path: '$.EventType',
        Message: expect.stringContaining('QueueCallInUserConnected'),
      }),
    );
  });

  it('answers 401 without or with a wrong token, and the event is not stored', async () => {
    const before = storedEvents();
    const event = specEvent('UserStatus', ORG);
    const none = await fetch(`${gw.url}/v1/events`, { method: 'POST', body: JSON.stringify(event) });
    expect(none.status).toBe(401);
    const wrong = await post(event, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { Error: { Code: string } }).Error.Code).toBe('UNAUTHORIZED');
    expect(storedEvents()).toBe(before);
  });

  it('answers 400 for a body that is not JSON and 413 for one over 1 MiB', async () => {
    expect((await post('{"Id": ')).status).toBe(400);
    const huge = { ...specEvent('UserStatus', ORG), Padding: 'x'.repeat(1024 * 1024) };
    const response = await post(huge);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { Error: { Code: string } }).Error.Code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an empty batch and one over 1,000 events', async () => {
    expect((await post([])).status).toBe(400);
    // A small type keeps 1,001 events under the 1 MiB body limit, so the count is what is refused.
    const many = Array.from({ length: 1001 }, () => specEvent('QueueUserCallOutHoldEnd', ORG));
    expect(JSON.stringify(many).length).toBeLessThan(1024 * 1024);
    const response = await post(many);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { Error: { Message: string } }).Error.Message).toMatch(/at most 1000/);
  });
});

describe('service endpoints', () => {
  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${gw.url}/readyz`)).json()).toEqual({ Status: 'ready' });
  });

  it('serves the catalogue with JSON Schemas', async () => {
    const body = (await (await fetch(`${gw.url}/v1/event-types`)).json()) as {
      EventTypes: {
        EventType: string;
        EntityType: string;
        JsonSchema: { properties: Record<string, unknown> };
      }[];
    };
    expect(body.EventTypes).toHaveLength(80);
    const status = body.EventTypes.find((t) => t.EventType === 'UserStatus');
    expect(status?.EntityType).toBe('User');
    expect(Object.keys(status?.JsonSchema.properties ?? {})).toContain('CanBeAllocatedTo');
    expect((await fetch(`${gw.url}/v1/event-types/NoSuchType`)).status).toBe(404);
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const response = await fetch(`${gw.url}/v1/nothing`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { Error: { Code: string } }).Error.Code).toBe('NOT_FOUND');
  });
});
