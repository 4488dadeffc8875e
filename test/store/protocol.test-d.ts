import { describe, expectTypeOf, it } from 'vitest';
import type { ClaimResult, RecordResult } from '../../src/store/delivery-store.js';
import type { StoredEvent } from '../../src/store/event-writer.js';
import { CODECS } from '../../src/store/thread/codec.js';
import type { ArgsOf, ResultOf, StoreOperation } from '../../src/store/thread/protocol.js';

describe('the store thread protocol, derived from StoreService', () => {
  it('names every operation of the service, with its arguments and result', () => {
    expectTypeOf<StoreOperation>().toEqualTypeOf<
      | 'write'
      | 'claim'
      | 'record'
      | 'expirePaused'
      | 'release'
      | 'retain'
      | 'recoverInFlight'
      | 'requeue'
      | 'recoverBatch'
      | 'startJob'
      | 'endJob'
      | 'recordTestAttempt'
      | 'drain'
    >();
    expectTypeOf<ArgsOf<'claim'>>().toEqualTypeOf<[webhookId: number, now: number, limit: number]>();
    expectTypeOf<ResultOf<'claim'>>().toEqualTypeOf<ClaimResult>();
    expectTypeOf<ResultOf<'write'>>().toEqualTypeOf<StoredEvent[]>();
    expectTypeOf<ResultOf<'record'>>().toEqualTypeOf<RecordResult>();
  });

  it('types each codec by its operation', () => {
    // @ts-expect-error a claim takes numbers
    CODECS.claim.encodeArgs(['1', 2, 3]);
    expectTypeOf(CODECS.write.decodeResult).returns.toEqualTypeOf<StoredEvent[]>();
  });
});
