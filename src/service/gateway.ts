import type { Server } from 'node:http';
import type { EventBus } from '../bus/event-bus.js';
import { EVENT_TYPES } from '../catalogue/index.js';
import {
  applyFileIfChanged,
  type Change,
  type ParsedConfig,
  readStoredAdminTokens,
  refuseStoredTokenClash,
  retentionPolicy,
} from '../config/index.js';
import { DeliveryEngine, type DeliveryTransport } from '../delivery/engine/engine.js';
import { createApp } from '../http/app.js';
import { type Logger, silentLogger } from '../log/logger.js';
import { GatewayMetrics, sumCounts } from '../metrics/gateway-metrics.js';
import { Router } from '../routing/router.js';
import { LocalPublisher } from '../sdk/local-publisher.js';
import { type GatewayDatabase, isMigrated, openDatabase } from '../store/database.js';
import { isPostgresUrl } from '../store/pg/url.js';
import { SqliteRoutingSource } from '../store/routing-source.js';
import { waitingCounts } from '../store/support/waiting.js';
import { StoreClient } from '../store/thread/store-client.js';
import { AdminTokenRegistry, sqliteAdminTokens } from './admin-tokens.js';
import { configurationAdmin } from './config-admin.js';
import { ConfigWorker } from './config-thread/config-worker.js';
import { Configuration, logChanges } from './configuration.js';
import { Directory } from './directory.js';
import { EventRecorder } from './event-recorder.js';
import { closeServer, serveApi } from './listen.js';
import type { RunningPgGateway } from './pg-gateway.js';
import { startSupport } from './support/index.js';
import { CountedBus, countingSink } from './support/metrics.js';
import { httpTransport } from './transport.js';

export interface StartGatewayOptions {
  config: ParsedConfig;
  logger?: Logger;
  /** Serve the HTTP API on Gateway.Listen (default true). In-process producers may run without it. */
  http?: boolean;
  /** How long SIGTERM waits for attempts in flight before leaving them for the next start. */
  shutdownGraceMs?: number;
  /** Replaces the HTTP transport; for tests that need no sockets. */
  transport?: DeliveryTransport;
  /**
   * How often the store's configuration revision is polled, so that a change committed by another process
   * (`gateway import`) reaches the routing; 250 ms by default.
   */
  configPollMs?: number;
}

export interface RunningGateway {
  publisher: LocalPublisher;
  bus: EventBus;
  router: Router;
  engine: DeliveryEngine;
  database: GatewayDatabase;
  /** Base URL of the HTTP API, when served. */
  url: string | null;
  /**
   * Applies a configuration document again (desired state): the store in one transaction, then routing
   * and lanes, incrementally. Throws ConfigError having changed nothing. (SIGHUP goes through
   * configuration.reloadFile, which does the same off the event loop.)
   */
  reload(config: ParsedConfig): Change[];
  configuration: Configuration;
  stop(): Promise<void>;
}

/** What `gateway serve` needs of a running gateway, on either store. */
export interface ServingGateway {
  configuration: { reloadFile(env: Record<string, string | undefined>): Promise<Change[]> };
  stop(): Promise<void>;
}

/**
 * The store selection: Gateway.Database as a postgres:// URL runs the gateway on PostgreSQL (several
 * instances may share it); anything else is a SQLite file, as startGateway serves it.
 */
export async function startServing(options: StartGatewayOptions): Promise<RunningGateway | RunningPgGateway> {
  if (!isPostgresUrl(options.config.gateway.Database)) return startGateway(options);
  // Loaded only when used: a SQLite gateway never loads node-postgres.
  const { startPgGateway } = await import('./pg-gateway.js');
  return startPgGateway(options);
}

/** Starts the whole gateway on SQLite: store, configuration, routing, delivery engine and HTTP API. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? silentLogger();
  const { gateway } = options.config;
  if (isPostgresUrl(gateway.Database))
    throw new Error(
      'Gateway.Database names a PostgreSQL server: start it with startServing or startPgGateway',
    );
  const database = openDatabase(gateway.Database);
  try {
    // The file may not take the Name or the token of one created over the admin API (stored).
    refuseStoredTokenClash(gateway, readStoredAdminTokens(database));
  } catch (error) {
    database.close();
    throw error;
  }

  let storeFailure: Error | null = null;
  // Events, claims and outcomes go through the store thread, so SQLite never holds this event loop. The
  // store takes the database's serve lock first: a second gateway on the same file stops here, having
  // written nothing.
  const store = await StoreClient.open(gateway.Database, database.sqlite, {
    retention: retentionPolicy(gateway),
    onFailure: (error) => {
      storeFailure = error;
      logger.error({ err: error }, 'the store failed: events can no longer be accepted');
    },
  });
  // The configuration thread starts now and gets ready (its own modules, its own connection) while this
  // thread applies the file and builds the routing; nothing is asked of it before that is done.
  const worker = ConfigWorker.open(gateway.Database, database);
  // A start that fails below closes it again (the error stays the one the caller sees).
  const closeWorker = () =>
    worker.then(
      (opened) => opened.close(),
      () => {},
    );
  let applied: ReturnType<typeof applyFileIfChanged>;
  let router: Router;
  try {
    // The file's Organizations apply only when they changed since last applied: the store, which the
    // admin API changes, is the source of truth.
    applied = applyFileIfChanged(database, options.config);
    router = new Router(new SqliteRoutingSource(database.sqlite));
  } catch (error) {
    await closeWorker();
    throw error;
  }
  if (applied === null)
    logger.info('configuration file unchanged since last applied: the store is kept as it is');
  else logChanges(logger, applied);

  const delivery = gateway.Delivery;
  const http = options.transport === undefined ? httpTransport(delivery) : null;
  // Counters the hot paths add to; the gauges read the store and the lanes when /metrics is scraped.
  const metrics = new GatewayMetrics(EVENT_TYPES, {
    waiting: () => sumCounts(waitingCounts(database.sqlite), engine.queuedByState()),
    openBreakers: () => engine.openBreakers(),
    pacedLanes: () => engine.pacedLanes(),
  });
  const engine = new DeliveryEngine({
    observer: metrics.deliveryObserver,
    store,
    router,
    transport: http ?? (options.transport as DeliveryTransport),
    retryScheduleSeconds: delivery.RetryScheduleSeconds,
    maxInFlightPerEndpoint: delivery.MaxInFlightPerEndpoint,
    logger,
  });
  const bus = new CountedBus(router, countingSink(new EventRecorder(store, engine), metrics), metrics);
  let producerTokens = gateway.ProducerTokens;
  const adminTokens = new AdminTokenRegistry(
    sqliteAdminTokens(database),
    readStoredAdminTokens(database),
    gateway,
    logger,
  );
  const configuration = new Configuration({
    database,
    worker: await worker,
    router,
    engine,
    logger,
    gateway,
    live: {
      setProducerTokens: (tokens) => {
        producerTokens = tokens;
      },
      setAdminTokens: (tokens) => adminTokens.setFileTokens(tokens),
      setDestinationPolicy: (policy) => http?.setPolicy(policy),
      setRetention: (policy) =>
        store
          .retain(policy)
          .catch((error: unknown) => logger.error({ err: error }, 'could not apply Gateway.Retention')),
    },
  });
  const directory = new Directory(configuration);
  await engine.start();
  configuration.watch(options.configPollMs ?? 250);
  const { support, jobs } = startSupport({ sqlite: database.sqlite, store, engine, router, logger });

  let shuttingDown = false;
  let server: Server | null = null;
  let url: string | null = null;
  if (options.http !== false) {
    const app = createApp({
      bus,
      directory,
      producerTokens: () => producerTokens,
      admin: {
        adminTokens: adminTokens.inForce,
        tokens: adminTokens,
        gateway: () => configuration.running,
        configuration: configurationAdmin(configuration, database),
        support,
      },
      metrics: { token: () => configuration.settings.MetricsToken, render: () => metrics.render() },
      logger,
      health: {
        isReady: () =>
          storeFailure === null && store.healthy() && database.sqlite.open && isMigrated(database),
        isShuttingDown: () => shuttingDown,
      },
    });
    ({ server, url } = await serveApi(app.fetch, gateway.Listen, logger));
  }

  return {
    publisher: new LocalPublisher(bus, directory),
    bus,
    router,
    engine,
    database,
    url,
    configuration,
    reload: (config) => configuration.apply(config),
    async stop() {
      if (shuttingDown) return;
      shuttingDown = true;
      // Requests in flight (a group PUT among them) finish first; the configuration thread closes after.
      if (server !== null) await closeServer(server);
      await configuration.close();
      // Recovery jobs stop between batches and stay running in the store: the next start resumes them.
      await jobs.stop();
      await engine.stop(options.shutdownGraceMs ?? 10_000);
      // Commits writes still queued (in-process producers), then closes the store's connection.
      await store.close();
      database.close();
      logger.info('gateway stopped');
    },
  };
}
