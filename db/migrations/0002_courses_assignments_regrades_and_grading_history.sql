CREATE TABLE `assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`course_id` text NOT NULL,
	`title` text NOT NULL,
	`exercise_ids` text NOT NULL,
	`release_at` integer,
	`due_at` integer,
	`late_policy` text NOT NULL,
	`max_submissions` integer,
	`cooldown_seconds` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `assignments_course` ON `assignments` (`course_id`);--> statement-breakpoint
CREATE TABLE `course_members` (
	`course_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`section` text DEFAULT '' NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`),
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `course_members_user` ON `course_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `courses` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`time_zone` text NOT NULL,
	`invite_token` text,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `courses_invite_token_unique` ON `courses` (`invite_token`);--> statement-breakpoint
CREATE TABLE `extensions` (
	`assignment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`until` integer NOT NULL,
	`granted_by` text,
	`granted_at` integer NOT NULL,
	PRIMARY KEY(`assignment_id`, `user_id`),
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `grading_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` text NOT NULL,
	`job_id` integer,
	`kind` text NOT NULL,
	`exercise_version` text,
	`score` real NOT NULL,
	`max_score` real NOT NULL,
	`verdict` text NOT NULL,
	`result` text NOT NULL,
	`applied` integer NOT NULL,
	`graded_at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `grading_results_submission` ON `grading_results` (`submission_id`,`id`);--> statement-breakpoint
CREATE TABLE `regrade_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`exercise_id` text NOT NULL,
	`user_id` text,
	`course_id` text,
	`allow_lower` integer NOT NULL,
	`requested_by` text,
	`total` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `grading_jobs` ADD `kind` text DEFAULT 'grade' NOT NULL;--> statement-breakpoint
ALTER TABLE `grading_jobs` ADD `allow_lower` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `grading_jobs` ADD `batch_id` text;--> statement-breakpoint
CREATE INDEX `grading_jobs_batch` ON `grading_jobs` (`batch_id`);