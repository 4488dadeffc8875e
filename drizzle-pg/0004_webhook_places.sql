CREATE TABLE "webhook_places" (
	"webhook_id" bigint NOT NULL,
	"instance" text NOT NULL,
	"places" integer NOT NULL,
	"until" bigint NOT NULL,
	CONSTRAINT "webhook_places_webhook_id_instance_pk" PRIMARY KEY("webhook_id","instance")
);
--> statement-breakpoint
DROP TABLE "claim_waiters" CASCADE;