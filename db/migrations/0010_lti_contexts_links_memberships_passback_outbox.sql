CREATE TABLE `lti_contexts` (
	`id` text PRIMARY KEY NOT NULL,
	`platform_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`context_id` text NOT NULL,
	`course_id` text NOT NULL,
	`title` text NOT NULL,
	`line_items_url` text,
	`ags_scopes` text NOT NULL,
	`memberships_url` text,
	`roster_synced_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`platform_id`) REFERENCES `lti_platforms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lti_contexts_key` ON `lti_contexts` (`platform_id`,`deployment_id`,`context_id`);--> statement-breakpoint
CREATE INDEX `lti_contexts_course` ON `lti_contexts` (`course_id`);--> statement-breakpoint
CREATE TABLE `lti_memberships` (
	`context_row_id` text NOT NULL,
	`user_id` text NOT NULL,
	`roles` text NOT NULL,
	`status` text NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`context_row_id`, `user_id`),
	FOREIGN KEY (`context_row_id`) REFERENCES `lti_contexts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `lti_passbacks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`link_id` text NOT NULL,
	`user_id` text NOT NULL,
	`state` text NOT NULL,
	`changed_at` integer NOT NULL,
	`score_given` real,
	`score_maximum` real,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`sent_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`link_id`) REFERENCES `lti_resource_links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lti_passbacks_key` ON `lti_passbacks` (`link_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `lti_passbacks_due` ON `lti_passbacks` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `lti_resource_links` (
	`id` text PRIMARY KEY NOT NULL,
	`context_row_id` text NOT NULL,
	`resource_link_id` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`exercise_id` text,
	`assignment_id` text,
	`line_item_url` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`context_row_id`) REFERENCES `lti_contexts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lti_resource_links_key` ON `lti_resource_links` (`context_row_id`,`resource_link_id`);--> statement-breakpoint
CREATE TABLE `lti_score_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` text,
	`course_id` text,
	`user_id` text NOT NULL,
	`exercise_id` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
-- The passback outbox's intake (server/lti/outbox.ts): every applied verdict and every override of a learner with an LTI account, in the same transaction.
CREATE TRIGGER `lti_score_change_on_verdict` AFTER INSERT ON `grading_results` WHEN NEW.`applied` = 1 BEGIN
  INSERT INTO `lti_score_changes` (`submission_id`, `course_id`, `user_id`, `exercise_id`, `at`)
  SELECT NEW.`submission_id`, NULL, s.`user_id`, s.`exercise_id`, NEW.`graded_at` FROM `submissions` s
  WHERE s.`id` = NEW.`submission_id` AND s.`user_id` IN (SELECT `user_id` FROM `lti_accounts`);
END;
--> statement-breakpoint
CREATE TRIGGER `lti_score_change_on_override` AFTER INSERT ON `score_overrides` WHEN NEW.`user_id` IN (SELECT `user_id` FROM `lti_accounts`) BEGIN
  INSERT INTO `lti_score_changes` (`submission_id`, `course_id`, `user_id`, `exercise_id`, `at`) VALUES (NULL, NEW.`course_id`, NEW.`user_id`, NEW.`exercise_id`, NEW.`at`);
END;
