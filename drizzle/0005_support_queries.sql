CREATE TABLE `support_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` integer NOT NULL,
	`params` text NOT NULL,
	`state` text NOT NULL,
	`total` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`cursor` text,
	`error` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `test_attempts` (
	`id` integer PRIMARY KEY NOT NULL,
	`webhook_id` integer NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`status_code` integer,
	`error_class` text,
	`error_message` text,
	`response_snippet` text,
	`sent_by` text NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `test_attempts_webhook_idx` ON `test_attempts` (`webhook_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `requeued_from` text;--> statement-breakpoint
CREATE INDEX `deliveries_webhook_state_created_idx` ON `deliveries` (`webhook_id`,`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_webhook_attempted_idx` ON `deliveries` (`webhook_id`,`last_attempt_at`);--> statement-breakpoint
CREATE INDEX `events_org_accepted_idx` ON `events` (`organization_id`,`accepted_at`);--> statement-breakpoint
CREATE INDEX `events_org_type_accepted_idx` ON `events` (`organization_id`,`event_type`,`accepted_at`);--> statement-breakpoint
CREATE INDEX `events_org_entity_accepted_idx` ON `events` (`organization_id`,`entity_id`,`accepted_at`);