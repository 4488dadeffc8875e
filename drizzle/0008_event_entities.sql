CREATE TABLE `event_entities` (
	`organization_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`accepted_at` integer NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `entity_id`, `accepted_at`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `event_entities` (`organization_id`, `entity_id`, `accepted_at`, `seq`)
  SELECT `organization_id`, `entity_id`, `accepted_at`, `seq` FROM `events` ORDER BY `organization_id`, `entity_id`;
--> statement-breakpoint
INSERT OR REPLACE INTO `store_marks` (`name`, `value`) SELECT 'entity_index_seq', coalesce(max(`seq`), 0) FROM `events`;
--> statement-breakpoint
DROP INDEX `events_org_entity_accepted_idx`;
