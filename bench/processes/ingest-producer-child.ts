import type { GatewayEvent } from '../../src/catalogue/index.js';
import { RemotePublisher } from '../../src/sdk/remote-publisher.js';
import { serveCommands } from '../lib/ipc-serve.js';
import { type ClosedLoopOptions, publishClosedLoop } from '../lib/producer.js';

/** A producer in its own process, publishing over POST /v1/events with the remote SDK. */
let publisher: RemotePublisher | null = null;

serveCommands(
  {
    publish: async (args: ClosedLoopOptions & { url: string; token: string }) => {
      publisher = new RemotePublisher({ baseUrl: args.url, token: args.token });
      const remote = publisher;
      try {
        return await publishClosedLoop((events: GatewayEvent[]) => remote.publishBatch(events), args);
      } finally {
        await remote.close();
        publisher = null;
      }
    },
  },
  async () => {
    await publisher?.close();
  },
);
