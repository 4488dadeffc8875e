CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" bigint NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "security_group_members" (
	"organization_id" text NOT NULL,
	"security_group_id" text NOT NULL,
	"entity_id" text NOT NULL,
	CONSTRAINT "security_group_members_organization_id_security_group_id_entity_id_pk" PRIMARY KEY("organization_id","security_group_id","entity_id")
);
--> statement-breakpoint
CREATE TABLE "security_groups" (
	"organization_id" text NOT NULL,
	"id" text NOT NULL,
	"source" text NOT NULL,
	"members_from_document" boolean DEFAULT false NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "security_groups_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "store_marks" (
	"name" text PRIMARY KEY NOT NULL,
	"value" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"webhook_id" integer NOT NULL,
	"event_type" text NOT NULL,
	"entity_id" text,
	"security_group_id" text,
	"all_entities" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" serial PRIMARY KEY NOT NULL,
	"webhook_id" text NOT NULL,
	"organization_id" text NOT NULL,
	"endpoint" text NOT NULL,
	"description" text,
	"secret" text,
	"insecure_ssl" boolean DEFAULT false NOT NULL,
	"timeout_seconds" double precision DEFAULT 5 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"retry_schedule_seconds" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" bigint NOT NULL,
	"attempt_no" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"duration_ms" integer NOT NULL,
	"status_code" integer,
	"error_class" text,
	"error_message" text,
	"response_snippet" text
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_seq" bigint NOT NULL,
	"webhook_id" integer NOT NULL,
	"state" text NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_attempt_at" bigint,
	"last_status" integer,
	"last_error_class" text,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"finished_at" bigint,
	"lease_owner" text,
	"lease_expires_at" bigint
);
--> statement-breakpoint
CREATE TABLE "events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"organization_id" text NOT NULL,
	"event_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"occurred_at" text NOT NULL,
	"expires_at" bigint,
	"payload" text NOT NULL,
	"accepted_at" bigint NOT NULL,
	"match_count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pruned_events" (
	"id" text PRIMARY KEY NOT NULL,
	"accepted_at" bigint NOT NULL,
	"pruned_at" bigint NOT NULL,
	"retention_days" double precision NOT NULL,
	"forget_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "security_group_members" ADD CONSTRAINT "security_group_members_group_fk" FOREIGN KEY ("organization_id","security_group_id") REFERENCES "public"."security_groups"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_groups" ADD CONSTRAINT "security_groups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_seq_events_seq_fk" FOREIGN KEY ("event_seq") REFERENCES "public"."events"("seq") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "security_group_members_org_entity_idx" ON "security_group_members" USING btree ("organization_id","entity_id");--> statement-breakpoint
CREATE INDEX "subscriptions_webhook_id_idx" ON "subscriptions" USING btree ("webhook_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhooks_webhook_id_unique" ON "webhooks" USING btree ("webhook_id");--> statement-breakpoint
CREATE INDEX "webhooks_organization_idx" ON "webhooks" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "attempts_delivery_id_idx" ON "attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "deliveries_waiting_idx" ON "deliveries" USING btree ("webhook_id","next_attempt_at") WHERE "deliveries"."state" IN ('pending', 'retrying');--> statement-breakpoint
CREATE INDEX "deliveries_in_flight_idx" ON "deliveries" USING btree ("webhook_id","lease_expires_at") WHERE "deliveries"."state" = 'in_flight';--> statement-breakpoint
CREATE INDEX "deliveries_lease_owner_idx" ON "deliveries" USING btree ("lease_owner") WHERE "deliveries"."state" = 'in_flight';--> statement-breakpoint
CREATE INDEX "deliveries_event_seq_idx" ON "deliveries" USING btree ("event_seq");--> statement-breakpoint
CREATE INDEX "deliveries_paused_idx" ON "deliveries" USING btree ("webhook_id") WHERE "deliveries"."state" = 'paused';--> statement-breakpoint
CREATE UNIQUE INDEX "events_id_unique" ON "events" USING btree ("id");--> statement-breakpoint
CREATE INDEX "pruned_events_forget_at_idx" ON "pruned_events" USING btree ("forget_at");