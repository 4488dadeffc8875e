import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import {
  applyAndRecord,
  applyConfig,
  applyEdit,
  type Change,
  type GatewaySection,
  type OrganizationEdit,
  type ParsedConfig,
  readStoredAdminTokens,
  refuseStoredTokenClash,
  retentionPolicy,
} from '../config/index.js';
import type { DeliveryEngine } from '../delivery/engine/engine.js';
import type { DestinationPolicy } from '../delivery/policy/destination.js';
import type { Logger } from '../log/logger.js';
import type { Router } from '../routing/router.js';
import { originOf } from '../routing/webhook-target.js';
import type { ReplacedMembers } from '../store/config/security-groups.js';
import type { GatewayDatabase } from '../store/database.js';
import type { RetentionPolicy } from '../store/pruner.js';
import { refuseRestartOnly } from './config-thread/config-work.js';
import type { ConfigWorker } from './config-thread/config-worker.js';

/** Gateway settings a reload applies to the running parts. */
export interface LiveSettings {
  setProducerTokens(tokens: GatewaySection['ProducerTokens']): void;
  /** The file's admin tokens, with its producer tokens (an admin token created over the API may equal neither). */
  setAdminTokens(gateway: Pick<GatewaySection, 'AdminTokens' | 'ProducerTokens'>): void;
  setDestinationPolicy(policy: DestinationPolicy): void;
  setRetention(policy: RetentionPolicy): void;
}

export interface ConfigurationOptions {
  database: GatewayDatabase;
  /** Where documents are read, validated and applied, off the event loop. */
  worker: ConfigWorker;
  router: Router;
  engine: DeliveryEngine;
  live: LiveSettings;
  logger: Logger;
  /** The Gateway section the process started with. */
  gateway: GatewaySection;
}

/**
 * One log line per change. Changes never carry a secret; a webhook's URL is named by its origin only
 * (its path and query may carry credentials some receivers put there), beside its WebhookId.
 */
export function logChanges(logger: Logger, changes: readonly Change[]): void {
  for (const c of changes) {
    const where = { op: c.op, kind: c.kind, organizationId: c.organizationId };
    if (c.webhookId === undefined) {
      logger.info({ ...where, key: c.key }, 'configuration change');
      continue;
    }
    // Webhook keys are the Endpoint; subscription keys are `<Endpoint> <EventType> <target>`.
    const [endpoint = '', ...subscription] = c.key.split(' ');
    logger.info(
      {
        ...where,
        webhookId: c.webhookId,
        origin: originOf(endpoint),
        ...(subscription.length > 0 ? { subscription: subscription.join(' ') } : {}),
      },
      'configuration change',
    );
  }
}

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
  /** Group updates reach the routing one at a time, in the order the store committed them. */
  private groupUpdates: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ConfigurationOptions) {
    this.gateway = o.gateway;
  }

  /**
   * SIGHUP: reads and validates the configuration file the environment names, in the configuration
   * thread, and takes its Gateway section; its Organizations are applied only when they changed since
   * last applied from the file (applyFileIfChanged), so a reload that rotates a token keeps what the admin
   * API changed. Then the running parts follow. Throws ConfigError, having changed nothing.
   */
  async reloadFile(env: Record<string, string | undefined>): Promise<Change[]> {
    const { changes, gateway, organizationsUnchanged } = await this.o.worker.run({
      op: 'applyFile',
      env,
      running: { Listen: this.gateway.Listen, Database: this.gateway.Database },
    });
    if (organizationsUnchanged)
      this.o.logger.info(
        'configuration file reloaded: its Organizations are unchanged since last applied, so the store keeps its own (changes made over the admin API or by gateway import stay); gateway import FILE applies a file as it is',
      );
    this.afterApply(changes, gateway);
    return changes;
  }

  /** Applies a validated document in this thread (in-process callers); throws ConfigError, changing nothing. */
  apply(config: ParsedConfig): Change[] {
    refuseRestartOnly(config.gateway, this.gateway);
    refuseStoredTokenClash(config.gateway, readStoredAdminTokens(this.o.database));
    const changes = applyAndRecord(this.o.database, config);
    this.afterApply(changes, config.gateway);
    return changes;
  }

  /** The Gateway section in force (the file's, as last started or reloaded). */
  get running(): GatewaySection {
    return this.gateway;
  }

  /**
   * An admin's change of one organization (the admin API): validated as a document would be, written
   * with its audit entries in one transaction, then routing and lanes follow as after a reload (a webhook
   * paused holds its waiting deliveries, a deleted one cancels them; attempts in flight record their
   * outcome). Throws ConfigError, or what `edit` throws, having changed nothing.
   */
  editOrganization(actor: string, organizationId: string, edit: OrganizationEdit, dryRun = false): Change[] {
    const changes = applyEdit(this.o.database, organizationId, edit, {
      actor,
      delivery: this.gateway.Delivery,
      dryRun,
    });
    if (!dryRun) {
      logChanges(this.o.logger, changes);
      this.catchUp();
    }
    return changes;
  }

  /**
   * A document applied over the admin API (PUT /v1/admin/config): its Organizations as desired state,
   * audited under `actor`. Its Gateway section, if any, must be the one in force: that section is the
   * file's, changed there and reloaded.
   */
  applyDocument(actor: string, config: ParsedConfig, dryRun: boolean): Change[] {
    const changes = applyConfig(this.o.database, config, { actor, dryRun });
    if (!dryRun) {
      logChanges(this.o.logger, changes);
      this.catchUp();
    }
    return changes;
  }

  /** A producer's group PUT: stored by the configuration thread, then applied to the matcher. */
  async replaceGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<ReplacedMembers> {
    const request = {
      op: 'replaceMembers',
      organizationId,
      securityGroupId,
      entityIds: entityIds.join('\n'),
    } as const;
    const release = this.o.router.holdGroup(organizationId.toLowerCase(), securityGroupId.toLowerCase());
    try {
      const { stored: packed } = await this.o.worker.run(request);
      const stored = { ...packed, entityIds: packed.entityIds === '' ? [] : packed.entityIds.split('\n') };
      const routed = this.groupUpdates.then(() =>
        this.o.router.replaceGroupMembers(
          stored.organizationId,
          stored.securityGroupId,
          stored.entityIds,
          stored.revision,
        ),
      );
      this.groupUpdates = routed.catch(() => {});
      await routed;
      return stored;
    } finally {
      release();
      // Whatever else changed meanwhile (refreshes waited for this update) follows now.
      this.catchUp();
    }
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

  /** The Gateway section in force (the last one applied). */
  get settings(): GatewaySection {
    return this.gateway;
  }

  /** Stops watching the store and closes the configuration thread. */
  async close(): Promise<void> {
    clearInterval(this.watcher);
    await this.o.worker.close();
  }

  /** The store has the change: the Gateway settings, then routing and lanes, follow. */
  private afterApply(changes: readonly Change[], gateway: GatewaySection): void {
    this.applyGateway(gateway);
    logChanges(this.o.logger, changes);
    this.catchUp();
  }

  private applyGateway(next: GatewaySection): void {
    this.o.live.setProducerTokens(next.ProducerTokens);
    this.o.live.setAdminTokens(next);
    this.o.live.setDestinationPolicy(destinationPolicy(next.Delivery));
    this.o.live.setRetention(retentionPolicy(next));
    this.o.engine.updateSettings({
      retryScheduleSeconds: next.Delivery.RetryScheduleSeconds,
      maxInFlightPerEndpoint: next.Delivery.MaxInFlightPerEndpoint,
    });
    this.gateway = next;
  }
}

/**
 * Runs `reload` (which should log its own failures) for signals, one at a time: a signal that arrives
 * while a reload runs asks for one more after it, and any number of such signals ask for just one. Each reload starts on a fresh turn of the
 * event loop, so requests and deliveries go on between reloads however fast the signals come.
 */
export function coalescing(reload: () => void | Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    try {
      do {
        again = false;
        await nextLoopTurn();
        await reload();
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
