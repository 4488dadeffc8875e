/** What the matcher needs to know of the configuration. Guids are lower-cased by the store. */
export interface RoutingSubscription {
  webhookId: number;
  organizationId: string;
  eventType: string;
  entityId: string | null;
  securityGroupId: string | null;
  allEntities: boolean;
}

export interface GroupMembership {
  organizationId: string;
  securityGroupId: string;
  entityId: string;
}

/** The three facts of an event that decide who receives it. */
export interface MatchKey {
  organizationId: string;
  eventType: string;
  entityId: string;
}
