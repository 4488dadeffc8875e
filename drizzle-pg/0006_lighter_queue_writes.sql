ALTER TABLE "attempts" DROP CONSTRAINT "attempts_delivery_id_deliveries_id_fk";
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_event_seq_events_seq_fk";
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_webhook_id_webhooks_id_fk";
--> statement-breakpoint
DROP INDEX "deliveries_webhook_attempted_idx";--> statement-breakpoint
CREATE INDEX "deliveries_webhook_attempted_idx" ON "deliveries" USING btree ("webhook_id","last_attempt_at") WHERE "deliveries"."last_attempt_at" IS NOT NULL;