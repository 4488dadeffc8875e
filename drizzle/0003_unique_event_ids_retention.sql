-- Edited after drizzle-kit generate: the sorted-run index's mark in store_marks is removed with it.
CREATE TABLE `pruned_events` (
	`id` text PRIMARY KEY NOT NULL,
	`accepted_at` integer NOT NULL,
	`pruned_at` integer NOT NULL,
	`retention_days` real NOT NULL,
	`forget_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pruned_events_forget_at_idx` ON `pruned_events` (`forget_at`);--> statement-breakpoint
DROP TABLE `event_ids`;--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
DELETE FROM `store_marks` WHERE `name` = 'event_ids_through';
