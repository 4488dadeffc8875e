CREATE TABLE "admin_tokens" (
	"name" text PRIMARY KEY NOT NULL,
	"token_sha256" text NOT NULL,
	"role" text NOT NULL,
	"organizations" text,
	"created_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "admin_tokens_token_sha256_unique" UNIQUE("token_sha256")
);
--> statement-breakpoint
CREATE TABLE "applied_documents" (
	"name" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"applied_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"webhook_id" integer NOT NULL,
	"params" text NOT NULL,
	"state" text NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"error" text,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "test_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" integer NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"started_at" bigint NOT NULL,
	"duration_ms" integer NOT NULL,
	"status_code" integer,
	"error_class" text,
	"error_message" text,
	"response_snippet" text,
	"sent_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "requeued_from" text;--> statement-breakpoint
ALTER TABLE "support_jobs" ADD CONSTRAINT "support_jobs_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_attempts" ADD CONSTRAINT "test_attempts_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "test_attempts_webhook_idx" ON "test_attempts" USING btree ("webhook_id","started_at");--> statement-breakpoint
CREATE INDEX "deliveries_webhook_state_created_idx" ON "deliveries" USING btree ("webhook_id","state","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_webhook_attempted_idx" ON "deliveries" USING btree ("webhook_id","last_attempt_at");--> statement-breakpoint
CREATE INDEX "events_org_type_accepted_idx" ON "events" USING btree ("organization_id","event_type","accepted_at");--> statement-breakpoint
CREATE INDEX "events_org_entity_accepted_idx" ON "events" USING btree ("organization_id","entity_id","accepted_at");