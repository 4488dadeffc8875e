import type pg from 'pg';
import { START_DOCUMENT } from '../store/config/applied-document.js';
import { appliedDocumentHashPg, recordAppliedDocumentPg } from '../store/pg/config/applied-document.js';
import {
  inConfigTransaction,
  planAndWritePg,
  type Queryable,
  webhookOrganizationsPg,
} from '../store/pg/config/apply.js';
import {
  type ApplyOptions,
  documentReads,
  planDocument,
  refuseMovedWebhooks,
  wantedWebhooks,
} from './apply.js';
import { EDIT_READS, type EditOptions, type OrganizationEdit, planEdit } from './edit.js';
import type { ParsedConfig } from './parse.js';
import type { Change } from './plan.js';
import { organizationsHash } from './start-document.js';
import type { ResolvedOrgState } from './webhook-identity.js';

/** A WebhookId names one webhook of one organization, deleted ones included: it cannot move. */
async function refuseForeignWebhookIdsPg(client: Queryable, desired: readonly ResolvedOrgState[]) {
  const wanted = wantedWebhooks(desired);
  if (wanted.size > 0) refuseMovedWebhooks(wanted, await webhookOrganizationsPg(client, [...wanted.keys()]));
}

/** applyConfig inside a configuration transaction of the PostgreSQL store. */
function applyDocumentIn(client: Queryable, parsed: ParsedConfig, options: ApplyOptions): Promise<Change[]> {
  const { organizationIds, read } = documentReads(parsed);
  return planAndWritePg(
    client,
    organizationIds,
    read,
    async (current, within) => {
      const planned = planDocument(current, parsed, options);
      await refuseForeignWebhookIdsPg(within, planned.desired);
      return planned;
    },
    options.dryRun === true,
  );
}

/**
 * applyConfig (apply.ts) for the PostgreSQL store: the same plan, written in one transaction that every
 * instance's configuration changes wait for in turn. Throws ConfigError, having changed nothing.
 */
export function applyConfigPg(
  pool: pg.Pool,
  parsed: ParsedConfig,
  options: ApplyOptions = {},
): Promise<Change[]> {
  return inConfigTransaction(pool, options.dryRun === true, (client) =>
    applyDocumentIn(client, parsed, options),
  );
}

/**
 * The configuration file's rule (start-document.ts applyFileIfChanged), at start and on SIGHUP, on
 * PostgreSQL: the file's Organizations are applied only when their hash differs from the one last applied
 * from it, as an import audited as `document`. The check, the apply and the new hash are one transaction
 * under the configuration lock, so of several instances starting (or reloading) together with the same
 * file one applies it and the others find it applied. Null when unchanged.
 */
export function applyFileIfChangedPg(pool: pg.Pool, config: ParsedConfig): Promise<Change[] | null> {
  const hash = organizationsHash(config);
  return inConfigTransaction(pool, false, async (client) => {
    if ((await appliedDocumentHashPg(client, START_DOCUMENT)) === hash) return null;
    const changes = await applyDocumentIn(client, config, {});
    await recordAppliedDocumentPg(client, START_DOCUMENT, hash);
    return changes;
  });
}

/** A document applied in process (RunningPgGateway.reload): always, and it becomes the one last applied. */
export function applyAndRecordPg(pool: pg.Pool, config: ParsedConfig): Promise<Change[]> {
  return inConfigTransaction(pool, false, async (client) => {
    const changes = await applyDocumentIn(client, config, {});
    await recordAppliedDocumentPg(client, START_DOCUMENT, organizationsHash(config));
    return changes;
  });
}

/**
 * applyEdit (edit.ts) on PostgreSQL: the same validation and plan of one organization, written with its
 * audit entries in one configuration transaction. `refuseDelete` sees what the organization still holds
 * when the edit deletes it, inside that transaction, and may throw. Throws ConfigError, or what `edit`
 * or `refuseDelete` throw, having changed nothing.
 */
export function applyEditPg(
  pool: pg.Pool,
  organizationId: string,
  edit: OrganizationEdit,
  options: EditOptions & { refuseDelete?: (client: Queryable, organizationId: string) => Promise<void> },
): Promise<Change[]> {
  const dryRun = options.dryRun === true;
  return inConfigTransaction(pool, dryRun, (client) =>
    planAndWritePg(
      client,
      [organizationId.toLowerCase()],
      EDIT_READS,
      async (current, within) => {
        const planned = planEdit(current, organizationId, edit, options);
        if (planned.deleted) await options.refuseDelete?.(within, organizationId.toLowerCase());
        await refuseForeignWebhookIdsPg(within, planned.newWebhooks);
        return planned;
      },
      dryRun,
    ),
  );
}
