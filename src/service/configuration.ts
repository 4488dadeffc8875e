import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import {
  applyConfig,
  type Change,
  ConfigError,
  type GatewaySection,
  type ParsedConfig,
} from '../config/index.js';
import { type ReplacedMembers, replaceSecurityGroupMembers } from '../config/security-groups.js';
import type { DeliveryEngine } from '../delivery/engine/engine.js';
import type { DestinationPolicy } from '../delivery/policy/destination.js';
import type { Logger } from '../log/logger.js';
import type { Problem } from '../problems.js';
import type { Router } from '../routing/router.js';
import type { GatewayDatabase } from '../store/database.js';

/** Gateway settings a reload applies to the running parts. */
export interface LiveSettings {
  setProducerTokens(tokens: readonly string[]): void;
  setDestinationPolicy(policy: DestinationPolicy): void;
}

export interface ConfigurationOptions {
  database: GatewayDatabase;
  router: Router;
  engine: DeliveryEngine;
  live: LiveSettings;
  logger: Logger;
  /** The Gateway section the process started with. */
  gateway: GatewaySection;
}

/** One log line per change; changes never carry a secret. */
export function logChanges(logger: Logger, changes: readonly Change[]): void {
  for (const c of changes)
    logger.info(
      { op: c.op, kind: c.kind, organizationId: c.organizationId, key: c.key, webhookId: c.webhookId },
      'configuration change',
    );
}

/** Keys of the Gateway section that only a restart can change. */
const RESTART_ONLY = ['Listen', 'Database'] as const;

export const destinationPolicy = (delivery: GatewaySection['Delivery']): DestinationPolicy => ({
  allowHttp: delivery.AllowHttp,
  allowAnyPort: delivery.AllowAnyPort,
  allowPrivateNetworks: delivery.AllowPrivateNetworks,
});

/**
 * The one way the running gateway's configuration changes. A document (at start, on SIGHUP, or, through
 * the store, from `gateway import` in another process) is applied to the store in one transaction; then
 * the routing catches up with the store's revision, incrementally, and the lanes of the webhooks that
 * changed are told. A refused change changes nothing: neither the store nor the running parts.
 */
export class Configuration {
  private gateway: GatewaySection;
  private watcher: NodeJS.Timeout | undefined;

  constructor(private readonly o: ConfigurationOptions) {
    this.gateway = o.gateway;
  }

  /** Applies a validated document as desired state; throws ConfigError, having changed nothing. */
  apply(config: ParsedConfig): Change[] {
    const problems = this.restartOnlyProblems(config.gateway);
    if (problems.length > 0) throw new ConfigError(problems);
    const changes = applyConfig(this.o.database, config);
    this.applyGateway(config.gateway);
    logChanges(this.o.logger, changes);
    this.catchUp();
    return changes;
  }

  /** A producer's group PUT: stored, then applied to the matcher at once. */
  replaceGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): ReplacedMembers {
    // Changes committed by another process before this one must reach the routing first.
    this.catchUp();
    const stored = replaceSecurityGroupMembers(this.o.database, organizationId, securityGroupId, entityIds);
    this.o.router.replaceGroupMembers(
      stored.organizationId,
      stored.securityGroupId,
      stored.entityIds,
      stored.revision,
    );
    return stored;
  }

  /** Brings routing and lanes up to the store's revision (changes made by any process). */
  catchUp(): void {
    const changed = this.o.router.refresh();
    if (changed.length > 0) this.o.engine.reconfigure(changed);
  }

  /** Polls the store's revision, so changes another process commits reach this gateway within `everyMs`. */
  watch(everyMs: number): void {
    this.watcher = setInterval(() => {
      try {
        this.catchUp();
      } catch (error) {
        this.o.logger.error({ err: error }, 'could not read configuration changes');
      }
    }, everyMs);
    this.watcher.unref();
  }

  stopWatching(): void {
    clearInterval(this.watcher);
  }

  private restartOnlyProblems(next: GatewaySection): Problem[] {
    return RESTART_ONLY.filter((key) => next[key] !== this.gateway[key]).map((key) => ({
      path: `$.Gateway.${key}`,
      message: `changed from ${JSON.stringify(this.gateway[key])} to ${JSON.stringify(next[key])}: a restart is needed to apply it (nothing was reloaded)`,
    }));
  }

  private applyGateway(next: GatewaySection): void {
    this.o.live.setProducerTokens(next.ProducerTokens);
    this.o.live.setDestinationPolicy(destinationPolicy(next.Delivery));
    this.o.engine.updateSettings({
      retryScheduleSeconds: next.Delivery.RetryScheduleSeconds,
      maxInFlightPerEndpoint: next.Delivery.MaxInFlightPerEndpoint,
    });
    this.gateway = next;
  }
}

/**
 * Runs `reload` (which should log its own failures) for signals, one at a time: a signal that arrives while a reload runs asks for one more
 * after it, and any number of such signals ask for just one. Each reload starts on a fresh turn of the
 * event loop, so requests and deliveries go on between reloads however fast the signals come.
 */
export function coalescing(reload: () => void): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    try {
      do {
        again = false;
        await nextLoopTurn();
        reload();
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    // `reload` reports its own failures; one that throws must not stop the next signals.
    else run().catch(() => {});
  };
}
