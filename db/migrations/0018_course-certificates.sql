-- Up Migration

-- Certificates of completion (issue #17). A course issues them only when its files say `certificate: true`.
ALTER TABLE courses ADD COLUMN certificate boolean NOT NULL DEFAULT false;

-- The name a student set with /name for their certificates; NULL: their Telegram name is printed.
ALTER TABLE users ADD COLUMN certificate_name text CHECK (char_length(certificate_name) BETWEEN 1 AND 64);

-- One certificate per enrollment. Only what verification shows is kept: the code, the name's initials, the course
-- and the day. The PDF itself (with the full name) is sent to the student and not stored.
CREATE TABLE certificates (
  enrollment_id bigint PRIMARY KEY REFERENCES enrollments (id),
  code text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{12}$'),
  initials text NOT NULL,
  course_id bigint NOT NULL REFERENCES courses (id),
  course_title text NOT NULL,
  issued_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE certificates;
ALTER TABLE users DROP COLUMN certificate_name;
ALTER TABLE courses DROP COLUMN certificate;
