-- Flashcards: every Q&A item of a course is a flashcard. A learner's memory of each one is scheduled
-- with FSRS-5 (org.pocketlab.flashcards.Fsrs). Refers only to V1–V2 tables, so it applies whether or not
-- other features' migrations ran before it.

-- One row per learner and flashcard they have answered at least once (no row: a new card).
CREATE TABLE flashcard_memory (
  user_id        UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  course_id      VARCHAR(100) NOT NULL,
  card_number    INTEGER      NOT NULL,
  item_number    INTEGER      NOT NULL,
  -- learning | review | relearning
  phase          VARCHAR(12)  NOT NULL,
  -- index into the learning or relearning steps; null in review
  step           INTEGER,
  stability      DOUBLE PRECISION NOT NULL,
  difficulty     DOUBLE PRECISION NOT NULL,
  due_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  last_review_at TIMESTAMP WITH TIME ZONE NOT NULL,
  reps           INTEGER      NOT NULL,
  lapses         INTEGER      NOT NULL,
  PRIMARY KEY (user_id, course_id, card_number, item_number),
  CONSTRAINT flashcard_memory_card FOREIGN KEY (course_id, card_number) REFERENCES card (course_id, number)
    ON DELETE CASCADE,
  CONSTRAINT flashcard_memory_phase CHECK (phase IN ('learning', 'review', 'relearning'))
);
CREATE INDEX flashcard_memory_due ON flashcard_memory (user_id, course_id, due_at);

-- Every grade a learner gave. The id is chosen by the page that showed the card, so a grade sent twice
-- (a retry, a double click) is recorded once; the schedule it produced is kept to answer the retry.
CREATE TABLE flashcard_answer (
  id          UUID         PRIMARY KEY,
  user_id     UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  course_id   VARCHAR(100) NOT NULL,
  card_number INTEGER      NOT NULL,
  item_number INTEGER      NOT NULL,
  -- 1 again, 2 hard, 3 good, 4 easy
  grade       SMALLINT     NOT NULL,
  answered_at TIMESTAMP WITH TIME ZONE NOT NULL,
  phase_after VARCHAR(12)  NOT NULL,
  due_after   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT flashcard_answer_card FOREIGN KEY (course_id, card_number) REFERENCES card (course_id, number)
    ON DELETE CASCADE,
  CONSTRAINT flashcard_answer_grade CHECK (grade BETWEEN 1 AND 4)
);
CREATE INDEX flashcard_answer_user ON flashcard_answer (user_id, course_id, answered_at);
