CREATE TABLE "webhook_breakers" (
	"webhook_id" bigint PRIMARY KEY NOT NULL,
	"opens" integer NOT NULL,
	"until" bigint NOT NULL
);
