CREATE TABLE `pruned_events` (
	`id` text PRIMARY KEY NOT NULL,
	`accepted_at` integer NOT NULL,
	`pruned_at` integer NOT NULL,
	`retention_days` real NOT NULL
);
--> statement-breakpoint
DROP TABLE `event_ids`;--> statement-breakpoint
DROP TABLE `store_marks`;--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);