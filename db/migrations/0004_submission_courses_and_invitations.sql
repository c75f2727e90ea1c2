CREATE TABLE `course_invitations` (
	`course_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`section` text DEFAULT '' NOT NULL,
	`invited_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `email`),
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `course_invitations_email` ON `course_invitations` (`email`);--> statement-breakpoint
CREATE TABLE `submission_courses` (
	`submission_id` text NOT NULL,
	`course_id` text NOT NULL,
	PRIMARY KEY(`submission_id`, `course_id`),
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `submission_courses_course` ON `submission_courses` (`course_id`);--> statement-breakpoint
INSERT OR IGNORE INTO `submission_courses` (`submission_id`, `course_id`)
SELECT `s`.`id`, `m`.`course_id` FROM `submissions` `s`
JOIN `course_members` `m` ON `m`.`user_id` = `s`.`user_id` AND `m`.`role` = 'learner' AND `s`.`created_at` >= `m`.`joined_at`
JOIN `assignments` `a` ON `a`.`course_id` = `m`.`course_id`
WHERE EXISTS (SELECT 1 FROM json_each(`a`.`exercise_ids`) WHERE json_each.value = `s`.`exercise_id`);
