-- What learners did on each card, as events. The id is chosen by whoever records the event (the page, a
-- run, a check), so a retried request finds its own row and counts once (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE progress_event (
  id          UUID         PRIMARY KEY,
  user_id     UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  course_id   VARCHAR(100) NOT NULL,
  card_number INTEGER      NOT NULL,
  -- VIEWED | EXAMPLE_RUN | CHECK_PASSED | CHECK_FAILED | FLASHCARD_ANSWERED (org.pocketlab.progress.EventKind)
  kind        VARCHAR(30)  NOT NULL,
  -- the card status this event reaches on its own: 1 viewed, 2 practised, 3 done (EventKind.reaches)
  status_level SMALLINT     NOT NULL,
  -- a failed run or check: what "stuck" counts
  failed      BOOLEAN      NOT NULL,
  detail      JSONB        NOT NULL,
  recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT progress_event_card FOREIGN KEY (course_id, card_number) REFERENCES card (course_id, number)
    ON DELETE CASCADE,
  CONSTRAINT progress_event_status_level CHECK (status_level >= 1 AND status_level <= 3)
);
-- a learner's timeline; the cohort's raw-events export and recent failures (stuck) by time
CREATE INDEX progress_event_user_time ON progress_event (user_id, course_id, recorded_at);
CREATE INDEX progress_event_course_time ON progress_event (course_id, recorded_at, id);

-- Per learner and card, the aggregate of its events, kept by the transaction that records each event so
-- that statuses and dashboards read one row per cell instead of scanning the events.
CREATE TABLE card_progress (
  course_id   VARCHAR(100) NOT NULL,
  user_id     UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  card_number INTEGER      NOT NULL,
  status_level SMALLINT     NOT NULL,
  events      INTEGER      NOT NULL,
  failures    INTEGER      NOT NULL,
  first_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  last_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (course_id, user_id, card_number),
  CONSTRAINT card_progress_card FOREIGN KEY (course_id, card_number) REFERENCES card (course_id, number)
    ON DELETE CASCADE
);
CREATE INDEX card_progress_user_recent ON card_progress (user_id, course_id, last_at);

-- Events per learner and day (UTC), for the activity chart without scanning the events.
CREATE TABLE daily_activity (
  course_id VARCHAR(100) NOT NULL REFERENCES course (id) ON DELETE CASCADE,
  user_id   UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  day       DATE         NOT NULL,
  events    INTEGER      NOT NULL,
  PRIMARY KEY (course_id, user_id, day)
);

-- A group of learners taking a course together, taught by one or more instructors.
CREATE TABLE cohort (
  id         UUID         PRIMARY KEY,
  course_id  VARCHAR(100) NOT NULL REFERENCES course (id) ON DELETE CASCADE,
  name       VARCHAR(200) NOT NULL,
  starts_on  DATE,
  ends_on    DATE,
  -- what the join link carries and learners may type: 8 characters without look-alikes
  join_code  CHAR(8)      NOT NULL,
  created_by UUID         REFERENCES app_user (id) ON DELETE SET NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT cohort_join_code_unique UNIQUE (join_code),
  CONSTRAINT cohort_dates CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
);
CREATE INDEX cohort_course ON cohort (course_id);

CREATE TABLE cohort_member (
  cohort_id UUID        NOT NULL REFERENCES cohort (id) ON DELETE CASCADE,
  user_id   UUID        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  -- learner | instructor
  role      VARCHAR(20) NOT NULL,
  added_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (cohort_id, user_id),
  CONSTRAINT cohort_member_role CHECK (role IN ('learner', 'instructor'))
);
CREATE INDEX cohort_member_user ON cohort_member (user_id);
