CREATE TABLE `assignment_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` text NOT NULL,
	`assignment_id` text NOT NULL,
	`changed_by` text,
	`changed_at` integer NOT NULL,
	`changes` text NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `assignment_changes_assignment` ON `assignment_changes` (`assignment_id`,`id`);--> statement-breakpoint
CREATE TABLE `score_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` text NOT NULL,
	`user_id` text NOT NULL,
	`exercise_id` text NOT NULL,
	`score` real,
	`comment` text NOT NULL,
	`by` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `score_overrides_course_user` ON `score_overrides` (`course_id`,`user_id`,`exercise_id`,`id`);--> statement-breakpoint
CREATE TABLE `submission_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` text NOT NULL,
	`course_id` text NOT NULL,
	`author_id` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `submission_comments_submission` ON `submission_comments` (`submission_id`,`id`);--> statement-breakpoint
ALTER TABLE `course_members` ADD `student_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `course_members` ADD `can_extend` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `courses` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `courses` ADD `exported_at` integer;