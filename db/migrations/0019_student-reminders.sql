-- Up Migration

-- The homework reminders a student sets with /reminders (issue #17): how many a day (0-5) inside which local hours.
-- NULL: the student has not chosen; their courses' own settings apply.
ALTER TABLE users
  ADD COLUMN reminders_per_day smallint CHECK (reminders_per_day BETWEEN 0 AND 5),
  ADD COLUMN reminder_window_start time,
  ADD COLUMN reminder_window_end time,
  ADD CONSTRAINT users_reminder_window CHECK (
    (reminders_per_day IS NULL AND reminder_window_start IS NULL AND reminder_window_end IS NULL)
    OR (reminders_per_day IS NOT NULL AND reminder_window_start < reminder_window_end));

-- A course's default for students who have not chosen (course.yaml `reminders`). NULL: the course's one reminder
-- after each lesson (reminder_after_ms), as before.
ALTER TABLE courses
  ADD COLUMN reminders_per_day smallint CHECK (reminders_per_day BETWEEN 0 AND 5),
  ADD COLUMN reminder_window_start time,
  ADD COLUMN reminder_window_end time,
  ADD CONSTRAINT courses_reminder_window CHECK (
    (reminders_per_day IS NULL AND reminder_window_start IS NULL AND reminder_window_end IS NULL)
    OR (reminders_per_day IS NOT NULL AND reminder_window_start < reminder_window_end));

-- Down Migration

ALTER TABLE courses DROP CONSTRAINT courses_reminder_window, DROP COLUMN reminder_window_end,
  DROP COLUMN reminder_window_start, DROP COLUMN reminders_per_day;
ALTER TABLE users DROP CONSTRAINT users_reminder_window, DROP COLUMN reminder_window_end,
  DROP COLUMN reminder_window_start, DROP COLUMN reminders_per_day;
