CREATE TABLE `admin_tokens` (
	`name` text PRIMARY KEY NOT NULL,
	`token_sha256` text NOT NULL,
	`role` text NOT NULL,
	`organizations` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_tokens_token_sha256_unique` ON `admin_tokens` (`token_sha256`);