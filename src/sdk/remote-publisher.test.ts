import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError, type GatewayEvent } from '../catalogue/index.js';
import { RemotePublishError, RemotePublisher } from './remote-publisher.js';

// No socket: msw answers the publisher's fetch calls in process.
const BASE = 'http://gateway.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const event = { Id: '85b214f2-1d27-4262-87b6-8f55b3199400' } as unknown as GatewayEvent;
const accepted = { Results: [{ Id: event.Id, Matched: 1, Duplicate: false }] };

/** Answers each try with the next of `answers` (the last one repeats) and counts the tries. */
function answering(...answers: (() => Response)[]) {
  const tries: number[] = [];
  server.use(
    http.post(`${BASE}/v1/events`, () => {
      tries.push(Date.now());
      return (answers[Math.min(tries.length, answers.length) - 1] as () => Response)();
    }),
  );
  return tries;
}

const publisher = (options: Partial<ConstructorParameters<typeof RemotePublisher>[0]> = {}) =>
  new RemotePublisher({ baseUrl: BASE, token: 't', retryDelayMs: 1, ...options });

const storeUnavailable = (retryAfter?: string) => () =>
  HttpResponse.json(
    {
      Error: {
        Code: 'STORE_UNAVAILABLE',
        Message: 'The events could not be recorded; none was accepted. Retry.',
      },
    },
    { status: 503, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } },
  );

describe('RemotePublisher under failure', () => {
  it("reads the status before the body: a proxy's HTML 502 is a RemotePublishError with the status", async () => {
    answering(() => new HttpResponse('<html><body>Bad Gateway</body></html>', { status: 502 }));
    const error = await publisher({ maxAttempts: 1 })
      .publish(event)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemotePublishError);
    expect(error).toMatchObject({ status: 502, code: 'HTTP_ERROR', retryable: true });
    expect((error as Error).message).toContain('Bad Gateway');
  });

  it('retries 503 STORE_UNAVAILABLE and 429 until the gateway accepts', async () => {
    const tries = answering(
      storeUnavailable(),
      () => HttpResponse.json({ Error: { Code: 'TOO_MANY', Message: 'slow down' } }, { status: 429 }),
      () => HttpResponse.json(accepted, { status: 202 }),
    );
    expect(await publisher().publish(event)).toEqual(accepted.Results[0]);
    expect(tries).toHaveLength(3);
  });

  it("honours the gateway's Retry-After", async () => {
    const tries = answering(storeUnavailable('1'), () => HttpResponse.json(accepted, { status: 202 }));
    await publisher().publish(event);
    expect(tries).toHaveLength(2);
    expect((tries[1] as number) - (tries[0] as number)).toBeGreaterThanOrEqual(950);
  });

  it('stops after the number of tries the caller set, with the last refusal', async () => {
    const tries = answering(storeUnavailable());
    const error = await publisher({ maxAttempts: 4 })
      .publish(event)
      .catch((e: unknown) => e);
    expect(tries).toHaveLength(4);
    expect(error).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
  });

  it('retries a connection error', async () => {
    let failed = false;
    server.use(
      http.post(`${BASE}/v1/events`, () => {
        if (failed) return HttpResponse.json(accepted, { status: 202 });
        failed = true;
        return HttpResponse.error();
      }),
    );
    expect(await publisher().publish(event)).toEqual(accepted.Results[0]);
  });

  it('never retries a 4xx: a wrong token, a scope refusal, an invalid event', async () => {
    const tries = answering(() =>
      HttpResponse.json(
        { Error: { Code: 'UNAUTHORIZED', Message: 'Invalid bearer token' } },
        { status: 401 },
      ),
    );
    const unauthorized = await publisher()
      .publish(event)
      .catch((e: unknown) => e);
    expect(unauthorized).toMatchObject({ status: 401, code: 'UNAUTHORIZED', retryable: false });
    expect(tries).toHaveLength(1);

    const invalid = answering(() =>
      HttpResponse.json(
        {
          Error: {
            Code: 'INVALID_EVENT',
            Message: 'The event is invalid',
            Problems: [{ Path: '$.Talking', Message: 'x' }],
          },
        },
        { status: 400 },
      ),
    );
    const error = await publisher()
      .publish(event)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).problems).toEqual([{ path: '$.Talking', message: 'x' }]);
    expect(invalid).toHaveLength(1);
  });

  it('reports a success whose body is not JSON as such, not as a SyntaxError', async () => {
    answering(() => new HttpResponse('accepted!', { status: 202 }));
    const error = await publisher()
      .publish(event)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RemotePublishError', status: 202, code: 'INVALID_RESPONSE' });
  });
});
