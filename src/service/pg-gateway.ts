import type { Server } from 'node:http';
import type { EventBus } from '../bus/event-bus.js';
import { applyAndRecordPg, applyConfigPg, applyEditPg, applyFileIfChangedPg } from '../config/apply-pg.js';
import {
  type Change,
  loadConfig,
  type OrganizationEdit,
  type ParsedConfig,
  refuseStoredTokenClash,
  retentionPolicy,
} from '../config/index.js';
import type { GatewaySection } from '../config/schema.js';
import { DeliveryEngine, type DeliveryTransport } from '../delivery/engine/engine.js';
import { createApp } from '../http/app.js';
import { type Logger, silentLogger } from '../log/logger.js';
import { Router } from '../routing/router.js';
import { LocalPublisher } from '../sdk/local-publisher.js';
import { readStoredAdminTokensPg } from '../store/pg/config/admin-tokens.js';
import { organizationHoldingsPg } from '../store/pg/config/audit.js';
import { replaceSecurityGroupMembersPg } from '../store/pg/config/security-groups.js';
import { openPgDatabase, type PgDatabase } from '../store/pg/database.js';
import { PgListener } from '../store/pg/listener.js';
import { PgStore } from '../store/pg/pg-store.js';
import { PgRoutingSource } from '../store/pg/routing-source.js';
import { AdminTokenRegistry } from './admin-tokens.js';
import type { Holdings } from './config-admin.js';
import { refuseRestartOnly } from './config-thread/config-work.js';
import { destinationPolicy, logChanges } from './configuration.js';
import { EventRecorder } from './event-recorder.js';
import { closeServer, serveApi } from './listen.js';
import { pgAdminDeps, pgAdminTokens } from './pg-admin.js';
import { CountedBus, countingSink } from './support/metrics.js';
import { pgInstanceMetrics, startPgSupport } from './support/pg-support.js';
import { httpTransport } from './transport.js';

/** The safety net under LISTEN/NOTIFY: how often the revision is read and every lane looks for due work. */
const CONFIG_POLL_MS = 250;
const DELIVERY_POLL_MS = 5_000;
/**
 * Outcomes are recorded this late at most. A recorded outcome is what lets a lane hold more (the claim
 * with the outcomes refills it) and frees places for other instances, so the engine's default (tuned for
 * SQLite's commits) would idle the lanes; each batch costs the server a transaction and a claim of its
 * webhooks, so batches every few milliseconds cost more than they save. What a lane holds
 * (CLAIMED_PER_PLACE a place) is sized to cover this interval.
 */
const OUTCOME_FLUSH_MS = 10;

export interface StartPgGatewayOptions {
  config: ParsedConfig;
  logger?: Logger;
  http?: boolean;
  shutdownGraceMs?: number;
  transport?: DeliveryTransport;
  /** Names this instance in its leases (a fresh id per process by default). */
  instanceId?: string;
}

export interface RunningPgGateway {
  publisher: LocalPublisher;
  bus: EventBus;
  router: Router;
  engine: DeliveryEngine;
  store: PgStore;
  database: PgDatabase;
  url: string | null;
  configuration: PgConfiguration;
  /** Applies a document (desired state) through this instance; every instance's routing follows. */
  reload(config: ParsedConfig): Promise<Change[]>;
  stop(): Promise<void>;
}

/**
 * The configuration of a gateway on PostgreSQL: changes are written by any instance (one transaction
 * each, serialised across instances), announced with NOTIFY, and every instance's routing catches up
 * with the stored revision from its in-memory copy of the configuration (PgRoutingSource).
 */
export class PgConfiguration {
  private catching: Promise<void> | null = null;
  private again = false;
  private gateway: GatewaySection;

  constructor(
    private readonly o: {
      database: PgDatabase;
      source: PgRoutingSource;
      router: Router;
      engine: DeliveryEngine;
      logger: Logger;
      applyGateway: (gateway: GatewaySection) => void;
      running: GatewaySection;
      /** Called when the stored revision moved (after routing followed): the admin tokens reload. */
      onRevision?: () => Promise<void>;
    },
  ) {
    this.gateway = o.running;
  }

  /** The Gateway section in force (the file's, as started or last reloaded). */
  get running(): GatewaySection {
    return this.gateway;
  }

  /**
   * Applies a validated document in process (RunningPgGateway.reload): always, and it becomes the one last
   * applied from the file. Throws ConfigError, having changed nothing.
   */
  apply(config: ParsedConfig): Promise<Change[]> {
    return this.take(config, undefined, () => applyAndRecordPg(this.o.database.pool, config));
  }

  /**
   * SIGHUP: reads and validates the file the environment names and takes its Gateway section; its
   * Organizations are applied only when they changed since last applied from the file, so a reload that
   * rotates a token keeps what the admin API changed (as on SQLite).
   */
  async reloadFile(env: Record<string, string | undefined>): Promise<Change[]> {
    const { config, path } = loadConfig({ env });
    return this.take(config, path, async () => {
      const changes = await applyFileIfChangedPg(this.o.database.pool, config);
      if (changes === null)
        this.o.logger.info(
          'configuration file reloaded: its Organizations are unchanged since last applied, so the store keeps its own (changes made over the admin API or by gateway import stay); gateway import FILE applies a file as it is',
        );
      return changes ?? [];
    });
  }

  /** A document's Gateway section is checked, its Organizations applied by `write`, then the parts follow. */
  private async take(
    config: ParsedConfig,
    source: string | undefined,
    write: () => Promise<Change[]>,
  ): Promise<Change[]> {
    refuseRestartOnly(config.gateway, this.o.running, source);
    // The file may not take the Name or the token of one created over the admin API.
    refuseStoredTokenClash(config.gateway, await readStoredAdminTokensPg(this.o.database.pool), source);
    const changes = await write();
    this.gateway = config.gateway;
    this.o.applyGateway(config.gateway);
    logChanges(this.o.logger, changes);
    await this.catchUp();
    return changes;
  }

  // --- The admin API's changes (helper C): the same change path, audited under the token's Name. ---

  /**
   * One organization changed by an admin (validated as a document, planned and written with its audit
   * entries in one transaction); `refuseDelete` sees what it still holds when the edit deletes it.
   */
  async editOrganization(
    actor: string,
    organizationId: string,
    edit: OrganizationEdit,
    refuseDelete: (holdings: Holdings) => void,
    dryRun: boolean,
  ): Promise<Change[]> {
    const changes = await applyEditPg(this.o.database.pool, organizationId, edit, {
      actor,
      delivery: this.gateway.Delivery,
      dryRun,
      refuseDelete: async (client, id) => refuseDelete(await organizationHoldingsPg(client, id)),
    });
    return this.followed(changes, dryRun);
  }

  /** A document's Organizations applied over the admin API (PUT /v1/admin/config), audited under `actor`. */
  async applyDocument(actor: string, config: ParsedConfig, dryRun: boolean): Promise<Change[]> {
    const changes = await applyConfigPg(this.o.database.pool, config, { actor, dryRun });
    return this.followed(changes, dryRun);
  }

  private async followed(changes: Change[], dryRun: boolean): Promise<Change[]> {
    if (!dryRun) {
      logChanges(this.o.logger, changes);
      await this.catchUp();
    }
    return changes;
  }
  // --- end of the admin API's changes ---

  async replaceGroupMembers(organizationId: string, securityGroupId: string, entityIds: readonly string[]) {
    const stored = await replaceSecurityGroupMembersPg(
      this.o.database.pool,
      organizationId,
      securityGroupId,
      entityIds,
    );
    await this.catchUp();
    return stored;
  }

  /**
   * Brings the routing and the lanes up to the stored revision, whoever changed it. Calls that arrive
   * while one runs ask for one more run after it.
   */
  catchUp(): Promise<void> {
    if (this.catching !== null) {
      this.again = true;
      return this.catching;
    }
    const run = async () => {
      do {
        this.again = false;
        if (await this.o.source.load()) {
          const changed = this.o.router.refresh();
          if (changed.length > 0) this.o.engine.reconfigure(changed);
          await this.o.onRevision?.();
        }
      } while (this.again);
    };
    this.catching = run().finally(() => {
      this.catching = null;
    });
    return this.catching;
  }
}

/** Starts the whole gateway on a PostgreSQL database that any number of instances share. */
export async function startPgGateway(options: StartPgGatewayOptions): Promise<RunningPgGateway> {
  const logger = options.logger ?? silentLogger();
  const { gateway } = options.config;
  const database = await openPgDatabase(gateway.Database, { poolSize: gateway.Postgres.PoolSize });
  let engine: DeliveryEngine | null = null;
  const store = new PgStore(database, {
    ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
    leaseMs: gateway.Postgres.LeaseSeconds * 1000,
    maxInFlightPerEndpoint: gateway.Delivery.MaxInFlightPerEndpoint,
    retention: retentionPolicy(gateway),
    onTakeover: (webhookIds) => engine?.wake(webhookIds),
    // A lane that found its webhook's places all taken claims again as soon as its outcomes free one.
    onRoom: (webhookIds) => engine?.wake(webhookIds),
    // A place an attempt frees is claimed again with its outcome, in the same round trip.
    claimWithOutcomes: true,
    // The instance's share of a webhook's limit follows the attempts it has open (see webhook_places).
    openOf: (webhookId) => engine?.laneState(webhookId)?.inFlight ?? 0,
  });
  const closeOnFailure = async (error: unknown) => {
    await store.close().catch(() => {});
    throw error;
  };
  const source = new PgRoutingSource(database.pool);
  let router: Router;
  // Admin tokens (helper C): the file may not take the Name or the token of one created over the API.
  let adminTokens: AdminTokenRegistry;
  try {
    const stored = await readStoredAdminTokensPg(database.pool);
    refuseStoredTokenClash(gateway, stored);
    adminTokens = new AdminTokenRegistry(pgAdminTokens(database.pool), stored, gateway, logger);
    // The file's Organizations apply only when they changed since last applied: the store, which the
    // admin API changes, is the source of truth.
    const applied = await applyFileIfChangedPg(database.pool, options.config);
    if (applied === null)
      logger.info('configuration file unchanged since last applied: the store is kept as it is');
    else logChanges(logger, applied);
    await source.load();
    router = new Router(source);
  } catch (error) {
    return closeOnFailure(error);
  }

  const delivery = gateway.Delivery;
  const http = options.transport === undefined ? httpTransport(delivery) : null;
  // Support (helper S): this instance's counters for /metrics; the waiting gauge reads the shared database.
  const metered = pgInstanceMetrics(
    database.pool,
    () => running.openBreakers(),
    () => running.queuedByState(),
    () => running.pacedLanes(),
  );
  const { metrics } = metered;
  const running = new DeliveryEngine({
    observer: metrics.deliveryObserver,
    store,
    router,
    transport: http ?? (options.transport as DeliveryTransport),
    retryScheduleSeconds: delivery.RetryScheduleSeconds,
    maxInFlightPerEndpoint: delivery.MaxInFlightPerEndpoint,
    logger,
    // Every delivery goes through a claim, which keeps MaxInFlightPerEndpoint across all instances.
    handOff: false,
    outcomeFlushMs: OUTCOME_FLUSH_MS,
    placesOf: (webhookId) => store.placesOf(webhookId),
    holdLimitOf: (webhookId) => store.holdLimitOf(webhookId),
    sharedBreakers: store.breakers,
  });
  engine = running;
  let producerTokens = gateway.ProducerTokens;
  const configuration = new PgConfiguration({
    database,
    source,
    router,
    engine: running,
    logger,
    running: gateway,
    // Tokens created or deleted on another instance take the next revision (helper C).
    onRevision: () => adminTokens.reload(),
    applyGateway: (next) => {
      adminTokens.setFileTokens(next);
      producerTokens = next.ProducerTokens;
      http?.setPolicy(destinationPolicy(next.Delivery));
      void store.retain(retentionPolicy(next));
      store.setMaxInFlightPerEndpoint(next.Delivery.MaxInFlightPerEndpoint);
      running.updateSettings({
        retryScheduleSeconds: next.Delivery.RetryScheduleSeconds,
        maxInFlightPerEndpoint: next.Delivery.MaxInFlightPerEndpoint,
      });
    },
  });
  const catchUp = () =>
    configuration.catchUp().catch((error: unknown) => {
      logger.error({ err: error }, 'could not read configuration changes');
    });
  const listener = await PgListener.start(gateway.Database, store.instanceId, {
    deliveries: (webhookIds) => running.wake(webhookIds),
    config: () => void catchUp(),
    reconnected: () => {
      void catchUp();
      running.wake(router.webhookIds());
    },
  }).catch(closeOnFailure);
  const bus = new CountedBus(router, countingSink(new EventRecorder(store, running), metrics), metrics);
  await running.start();
  // Support (helper S): queries and repairs on the shared database; recovery jobs run on one instance at a time.
  const { support, jobs } = startPgSupport({
    pool: database.pool,
    instanceId: store.instanceId,
    engine: running,
    router,
    logger,
  });
  const polls = [
    setInterval(() => void catchUp(), CONFIG_POLL_MS),
    setInterval(() => running.wake(router.webhookIds()), DELIVERY_POLL_MS),
  ];
  for (const poll of polls) poll.unref();
  logger.info({ database: database.where, instance: store.instanceId }, 'serving on PostgreSQL');

  let shuttingDown = false;
  let server: Server | null = null;
  let url: string | null = null;
  if (options.http !== false) {
    const app = createApp({
      bus,
      directory: {
        replaceMembers: (org, group, ids) => configuration.replaceGroupMembers(org, group, ids),
      },
      producerTokens: () => producerTokens,
      admin: pgAdminDeps({ tokens: adminTokens, configuration, pool: database.pool, support }),
      metrics: { token: () => configuration.running.MetricsToken, render: () => metered.render() },
      logger,
      health: {
        isReady: () => store.healthy() && listener.listening,
        isShuttingDown: () => shuttingDown,
      },
    });
    ({ server, url } = await serveApi(app.fetch, gateway.Listen, logger));
  }

  return {
    publisher: new LocalPublisher(bus, {
      replaceMembers: (org, group, ids) => configuration.replaceGroupMembers(org, group, ids),
    }),
    bus,
    router,
    engine: running,
    store,
    database,
    url,
    configuration,
    reload: (config) => configuration.apply(config),
    async stop() {
      if (shuttingDown) return;
      shuttingDown = true;
      for (const poll of polls) clearInterval(poll);
      if (server !== null) await closeServer(server);
      // Recovery jobs stop between batches and stay running in the database: another instance takes them over.
      await jobs.stop();
      await running.stop(options.shutdownGraceMs ?? 10_000);
      await listener.close();
      await store.close();
      logger.info('gateway stopped');
    },
  };
}
