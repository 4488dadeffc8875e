import type {
  AuditQuery,
  AuditRecord,
  Change,
  ConfigDocument,
  OrganizationDocument,
  OrganizationEdit,
} from '../../config/index.js';

/**
 * What the admin API asks of the configuration (implemented by the service over the single change path,
 * on either store, hence every answer a Promise):
 * reads in document form (ids lower-cased, secrets included: the routes decide what is shown), and
 * changes that are validated, planned, written and audited in one transaction, then reach routing and lanes.
 */
export interface ConfigurationAdmin {
  /** Every organization, sorted by OrganizationId. */
  organizations(): Promise<OrganizationDocument[]>;
  organization(organizationId: string): Promise<OrganizationDocument | undefined>;
  /**
   * The organization with only this webhook in Webhooks (none when it has no such webhook) and its groups
   * without members: what an answer about one webhook reads, whatever the organization's size.
   */
  organizationWithWebhook(
    organizationId: string,
    webhookId: string,
  ): Promise<OrganizationDocument | undefined>;
  /**
   * The organization's security groups without their members (EntityIds [] when the configuration owns
   * them, absent when producers do) and no webhooks: what a list of groups reads, whatever their size.
   */
  organizationGroups(organizationId: string): Promise<OrganizationDocument | undefined>;
  /**
   * Changes one organization; `edit` runs inside the transaction on the stored state (it may throw to
   * refuse). Throws ConfigError with the document's problems, or what edit throws; nothing is changed then.
   */
  edit(actor: string, organizationId: string, edit: OrganizationEdit, dryRun?: boolean): Promise<Change[]>;
  /**
   * The document's Organizations as `gateway export` writes them, webhook secrets included; never the
   * Gateway section (the API's own tokens).
   */
  exportDocument(): Promise<Pick<ConfigDocument, 'Organizations'>>;
  /** Applies a document as desired state (`gateway import`); throws ConfigError naming every problem. */
  applyDocument(actor: string, document: unknown, dryRun: boolean): Promise<Change[]>;
  audit(query: AuditQuery): Promise<{ records: AuditRecord[]; more: boolean }>;
  /** One page of a group's stored members (EntityId order, after `after`), and how many it has. */
  members(
    organizationId: string,
    securityGroupId: string,
    after: string | null,
    limit: number,
  ): Promise<{ entityIds: string[]; count: number; more: boolean }>;
}
