CREATE TABLE `grading_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`queued_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`last_error` text,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `grading_jobs_state` ON `grading_jobs` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `grading_jobs_submission` ON `grading_jobs` (`submission_id`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`exercise_id` text NOT NULL,
	`exercise_version` text NOT NULL,
	`code` text NOT NULL,
	`hidden_seed` text NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`score` real,
	`max_score` real,
	`verdict` text,
	`result` text
);
--> statement-breakpoint
CREATE INDEX `submissions_user_exercise` ON `submissions` (`user_id`,`exercise_id`,`created_at`);