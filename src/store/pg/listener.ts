import pg from 'pg';
import { CHANNELS, readDueAnnouncement } from './sql.js';

export interface ListenerEvents {
  /** Another instance committed deliveries now due for these webhooks. */
  deliveries(webhookIds: number[]): void;
  /** Some instance committed a configuration change. */
  config(): void;
  /** The connection was lost and made again: notifications may have been missed meanwhile. */
  reconnected(): void;
}

const RECONNECT_MS = 1_000;

/**
 * LISTEN/NOTIFY wake-ups on one connection of its own: new deliveries (from other instances; this one's
 * own are skipped, its engine knows them already) and configuration changes. A lost connection is made
 * again every second; the callers' slow polls cover what was missed meanwhile.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly url: string,
    private readonly instanceId: string,
    private readonly on: ListenerEvents,
  ) {}

  static async start(url: string, instanceId: string, on: ListenerEvents): Promise<PgListener> {
    const listener = new PgListener(url, instanceId, on);
    await listener.connect();
    return listener;
  }

  /** True while the connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => this.notified(message.channel, message.payload ?? ''));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNELS.deliveries}`);
    await client.query(`LISTEN ${CHANNELS.config}`);
    this.client = client;
  }

  private notified(channel: string, payload: string): void {
    if (channel === CHANNELS.config) {
      this.on.config();
      return;
    }
    const { from, webhookRowIds } = readDueAnnouncement(payload);
    if (from === this.instanceId) return;
    this.on.deliveries(webhookRowIds);
  }

  private lost(client: pg.Client): void {
    if (this.client !== client && this.client !== null) return;
    this.client = null;
    client.end().catch(() => {});
    if (this.closed || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.connect().then(
        () => this.on.reconnected(),
        () => this.lost(client),
      );
    }, RECONNECT_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
