ALTER TABLE `grading_jobs` ADD `user_id` text;--> statement-breakpoint
CREATE INDEX `grading_jobs_user` ON `grading_jobs` (`user_id`,`started_at`);--> statement-breakpoint
UPDATE `grading_jobs` SET `user_id` = (SELECT `user_id` FROM `submissions` WHERE `submissions`.`id` = `grading_jobs`.`submission_id`);