CREATE TABLE "claim_waiters" (
	"webhook_id" bigint PRIMARY KEY NOT NULL,
	"instance" text NOT NULL,
	"until" bigint NOT NULL
);
