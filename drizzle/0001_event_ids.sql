-- Edited after drizzle-kit generate: WITHOUT ROWID (drizzle cannot declare it) and the data moved across.
CREATE TABLE `event_ids` (
	`id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `store_marks` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `event_ids` (`id`, `seq`) SELECT `id`, `seq` FROM `events` ORDER BY `id`;
--> statement-breakpoint
INSERT INTO `store_marks` (`name`, `value`) SELECT 'event_ids_through', coalesce(max(`seq`), 0) FROM `events`;
--> statement-breakpoint
DROP INDEX `events_id_unique`;
