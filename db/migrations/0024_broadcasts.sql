-- Up Migration

-- Broadcasts from the review chat (#18): a reviewer's message copied to an audience. A draft holds the audience the
-- reviewer is picking; Confirm moves it to 'confirmed' once (the row's id names its workflow). Each recipient's
-- outcome is one row of broadcast_deliveries; the copy itself is keyed in sent_messages ('broadcast:<id>:<user id>').
CREATE TABLE broadcasts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_by bigint NOT NULL,
  source_chat_id bigint NOT NULL,
  -- One message, or an album's messages in order.
  source_message_ids bigint[] NOT NULL CHECK (cardinality(source_message_ids) BETWEEN 1 AND 10),
  course_id bigint REFERENCES courses (id),
  tariff tariff,
  stage enrollment_stage,
  cohort_id integer REFERENCES cohorts (id),
  partner_id text,
  language text CHECK (language ~ '^[a-z]{2,3}$'),
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'confirmed', 'running', 'paused', 'cancelled', 'finished', 'dropped')),
  recipients_total integer,
  status_message_id bigint,
  confirmed_by bigint,
  confirmed_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE broadcast_deliveries (
  broadcast_id bigint NOT NULL REFERENCES broadcasts (id),
  user_id bigint NOT NULL REFERENCES users (id),
  outcome text NOT NULL CHECK (outcome IN ('sent', 'failed', 'blocked')),
  reason text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (broadcast_id, user_id)
);

-- Albums posted in the review chat, so /broadcast in reply to one of their messages copies them all.
CREATE TABLE review_chat_albums (
  chat_id bigint NOT NULL,
  media_group_id text NOT NULL,
  message_id bigint NOT NULL,
  PRIMARY KEY (chat_id, media_group_id, message_id)
);

-- Down Migration

DROP TABLE review_chat_albums;
DROP TABLE broadcast_deliveries;
DROP TABLE broadcasts;
