-- People who have signed in through the identity provider, keyed by its stable subject.
CREATE TABLE app_user (
  id            UUID         PRIMARY KEY,
  subject       VARCHAR(255) NOT NULL,
  username      VARCHAR(255) NOT NULL,
  name          VARCHAR(500) NOT NULL,
  email         VARCHAR(500),
  -- realm roles seen in the token at the last sign-in or refresh, comma-separated
  roles         VARCHAR(1000) NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  last_login_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT app_user_subject_unique UNIQUE (subject)
);
CREATE INDEX app_user_username ON app_user (username);
CREATE INDEX app_user_email ON app_user (email);

-- A browser's sign-in. The cookie holds a random id; only its SHA-256 is stored, so a copy of this
-- table does not let anyone act as the people in it. Expiry (idle and absolute) is checked on read.
CREATE TABLE web_session (
  id_hash           CHAR(64)     PRIMARY KEY,
  user_id           UUID         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  -- the identity provider's session id (the tokens' sid claim), for back-channel logout
  oidc_sid          VARCHAR(255),
  csrf_token        CHAR(43)     NOT NULL,
  id_token          TEXT         NOT NULL,
  refresh_token     TEXT,
  access_expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX web_session_oidc_sid ON web_session (oidc_sid);
CREATE INDEX web_session_user ON web_session (user_id);

-- A sign-in in progress: what the callback must find again (state, nonce, PKCE verifier, where to go).
CREATE TABLE oidc_login (
  state         CHAR(43)      PRIMARY KEY,
  nonce         CHAR(43)      NOT NULL,
  code_verifier CHAR(64)      NOT NULL,
  return_to     VARCHAR(2000) NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
