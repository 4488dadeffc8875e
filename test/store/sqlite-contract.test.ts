import { openDatabase } from '../../src/store/database.js';
import { pruneNow } from '../../src/store/pruner.js';
import { StoreClient } from '../../src/store/thread/store-client.js';
import { traceEvent } from '../../src/store/trace.js';
import { openTestStore } from '../support/store.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('SQLite, over the store thread', async () => {
  const fixture = openTestStore('contract-');
  const client = await StoreClient.open(fixture.file, fixture.database.sqlite);
  // trace and prune read and write the file from a connection of their own, as the CLI does.
  const side = openDatabase(fixture.file);
  return {
    store: client,
    trace: (id) => traceEvent(side.sqlite, id),
    prune: (policy, now) => pruneNow(side.sqlite, policy, { now: () => now }).removed,
    rows: () =>
      side.sqlite
        .prepare(
          'SELECT (SELECT count(*) FROM deliveries) AS deliveries, (SELECT count(*) FROM attempts) AS attempts',
        )
        .get() as { deliveries: number; attempts: number },
    async close() {
      await client.close();
      side.close();
      fixture.remove();
    },
  };
});
