import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../src/catalogue/index.js';
import { MAX_JSON_DEPTH } from '../../src/catalogue/json-depth.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway(
    { organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/x' }])] },
    { http: false },
  );
});
afterAll(() => gw.cleanup());

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('accepted');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(EventValidationError);
      return (error as EventValidationError).problems;
    },
  );

describe('in-process publishers get a validation error, never an internal one', () => {
  it('for an unknown property nested deeper than JSON can be written, naming the depth limit', async () => {
    const deep = { ...specEvent('UserStatus', ORG), Unknown: nested(100_000) };
    const [problem] = await refusal(gw.publisher.publish(deep as never));
    expect(problem?.path.startsWith('$.Unknown.a')).toBe(true);
    expect(problem?.message).toContain(`limit of ${MAX_JSON_DEPTH} levels`);
  });

  it('for a circular event, named by its index in a batch; nothing of the batch is stored', async () => {
    const circular: Record<string, unknown> = { ...specEvent('UserStatus', ORG) };
    circular.Self = circular;
    const problems = await refusal(
      gw.publisher.publishBatch([specEvent('UserStatus', ORG), circular as never]),
    );
    expect(problems).toEqual([{ path: '$[1]', message: 'holds a circular reference' }]);
    expect(gw.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });
});
