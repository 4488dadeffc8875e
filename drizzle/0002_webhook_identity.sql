-- Edited after drizzle-kit generate: webhook_id is added with a placeholder default and every existing
-- webhook gets a random (version 4) Guid before the unique index is built; deliveries waiting for a
-- disabled webhook become 'paused', as they are from this version on.
DROP INDEX `webhooks_organization_endpoint_unique`;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `webhook_id` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `webhooks` SET `webhook_id` = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));--> statement-breakpoint
ALTER TABLE `webhooks` ADD `deleted_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `webhooks_webhook_id_unique` ON `webhooks` (`webhook_id`);--> statement-breakpoint
CREATE INDEX `webhooks_organization_idx` ON `webhooks` (`organization_id`);--> statement-breakpoint
ALTER TABLE `organizations` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `security_groups` ADD `members_from_document` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `security_groups` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `deliveries_paused_idx` ON `deliveries` (`webhook_id`) WHERE "deliveries"."state" = 'paused';--> statement-breakpoint
UPDATE `deliveries` SET `state` = 'paused' WHERE `state` IN ('pending', 'retrying') AND `webhook_id` IN (SELECT `id` FROM `webhooks` WHERE `enabled` = 0);
