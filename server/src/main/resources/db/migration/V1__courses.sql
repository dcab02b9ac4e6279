-- The courses the server loaded from its content files at boot, so that people's data (progress,
-- cohorts) can refer to a course and a card with foreign keys.
CREATE TABLE course (
  id           VARCHAR(100) PRIMARY KEY,
  title        VARCHAR(300) NOT NULL,
  content_hash CHAR(64)     NOT NULL,
  card_count   INTEGER      NOT NULL,
  loaded_at    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE card (
  course_id VARCHAR(100) NOT NULL REFERENCES course (id) ON DELETE CASCADE,
  number    INTEGER      NOT NULL,
  slug      VARCHAR(200) NOT NULL,
  title     VARCHAR(300) NOT NULL,
  section   INTEGER      NOT NULL,
  PRIMARY KEY (course_id, number),
  -- Deferred so that one sync can move slugs between card numbers (renumbering) without tripping
  -- over its own intermediate states; the constraint still holds at every commit.
  CONSTRAINT card_slug_unique UNIQUE (course_id, slug) DEFERRABLE INITIALLY DEFERRED
);
