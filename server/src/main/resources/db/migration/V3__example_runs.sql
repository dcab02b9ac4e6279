-- Every Run of a card's example by a learner: what ran, how it ended, how long it took. Progress
-- (practised cards) and the instructors' dashboard build on this.
CREATE TABLE example_run (
  id            UUID         PRIMARY KEY,
  user_id       UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  course_id     VARCHAR(100) NOT NULL REFERENCES course (id) ON DELETE CASCADE,
  card_number   INTEGER      NOT NULL,
  example_index INTEGER      NOT NULL,
  exit_code     INTEGER,
  -- exited | timeout | killed | cancelled | output-limit | out-of-memory | file-size-limit | signaled
  -- | sandbox-stopped | failed (the run could not start)
  outcome       VARCHAR(30)  NOT NULL,
  duration_ms   INTEGER      NOT NULL,
  started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT example_run_card FOREIGN KEY (course_id, card_number) REFERENCES card (course_id, number)
    ON DELETE CASCADE
);
CREATE INDEX example_run_user_course ON example_run (user_id, course_id, started_at);
