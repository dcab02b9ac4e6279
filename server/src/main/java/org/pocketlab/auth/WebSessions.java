package org.pocketlab.auth;

import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.OIDC_LOGIN;
import static org.pocketlab.db.schema.Tables.WEB_SESSION;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.pocketlab.config.SessionSettings;

/**
 * Sign-ins stored in PostgreSQL ({@code web_session}), shared by every server replica and kept across
 * restarts. A session row is found by the SHA-256 of the cookie value; expiry is part of the lookup.
 */
final class WebSessions {
  private final SessionSettings settings;

  WebSessions(SessionSettings settings) {
    this.settings = settings;
  }

  /** A session as loaded for a request. */
  record Stored(String idHash, Person person, String csrfToken, String oidcSid, String idToken, String refreshToken,
      OffsetDateTime accessExpiresAt, OffsetDateTime lastSeenAt) {}

  /** Creates a session for a person who just signed in; returns the cookie value (only its hash is stored). */
  String create(DSLContext dsl, Person person, SignInTokens tokens) {
    String cookieValue = Tokens.random();
    OffsetDateTime now = now();
    dsl.insertInto(WEB_SESSION)
        .set(WEB_SESSION.ID_HASH, Tokens.sha256Hex(cookieValue))
        .set(WEB_SESSION.USER_ID, person.id())
        .set(WEB_SESSION.OIDC_SID, tokens.sid())
        .set(WEB_SESSION.CSRF_TOKEN, Tokens.random())
        .set(WEB_SESSION.ID_TOKEN, tokens.idToken())
        .set(WEB_SESSION.REFRESH_TOKEN, tokens.refreshToken())
        .set(WEB_SESSION.ACCESS_EXPIRES_AT, tokens.accessExpiresAt().atOffset(ZoneOffset.UTC))
        .set(WEB_SESSION.CREATED_AT, now)
        .set(WEB_SESSION.LAST_SEEN_AT, now)
        .execute();
    return cookieValue;
  }

  /** The live session behind a cookie value: not idle too long, not older than the absolute lifetime. */
  Optional<Stored> find(DSLContext dsl, String cookieValue) {
    OffsetDateTime now = now();
    return dsl.select(WEB_SESSION.asterisk(), APP_USER.asterisk())
        .from(WEB_SESSION)
        .join(APP_USER).on(APP_USER.ID.eq(WEB_SESSION.USER_ID))
        .where(WEB_SESSION.ID_HASH.eq(Tokens.sha256Hex(cookieValue)))
        .and(WEB_SESSION.LAST_SEEN_AT.gt(now.minus(settings.idle())))
        .and(WEB_SESSION.CREATED_AT.gt(now.minus(settings.absolute())))
        .fetchOptional(WebSessions::stored);
  }

  void touch(DSLContext dsl, String idHash) {
    dsl.update(WEB_SESSION).set(WEB_SESSION.LAST_SEEN_AT, now()).where(WEB_SESSION.ID_HASH.eq(idHash)).execute();
  }

  void refreshed(DSLContext dsl, Stored session, SignInTokens tokens) {
    dsl.update(WEB_SESSION)
        .set(WEB_SESSION.ID_TOKEN, tokens.idToken() == null ? session.idToken() : tokens.idToken())
        .set(WEB_SESSION.REFRESH_TOKEN, tokens.refreshToken())
        .set(WEB_SESSION.ACCESS_EXPIRES_AT, tokens.accessExpiresAt().atOffset(ZoneOffset.UTC))
        .set(WEB_SESSION.LAST_SEEN_AT, now())
        .where(WEB_SESSION.ID_HASH.eq(session.idHash()))
        .execute();
    People.updateRoles(dsl, session.person().id(), tokens.roles());
  }

  void delete(DSLContext dsl, String idHash) {
    dsl.deleteFrom(WEB_SESSION).where(WEB_SESSION.ID_HASH.eq(idHash)).execute();
  }

  /** Back-channel logout: every session of that provider session, or of that person when no sid is given. */
  int deleteByProviderSession(DSLContext dsl, String sid, String subject) {
    if (sid != null) return dsl.deleteFrom(WEB_SESSION).where(WEB_SESSION.OIDC_SID.eq(sid)).execute();
    return dsl.deleteFrom(WEB_SESSION)
        .where(WEB_SESSION.USER_ID.in(dsl.select(APP_USER.ID).from(APP_USER).where(APP_USER.SUBJECT.eq(subject))))
        .execute();
  }

  /** Removes expired sessions and abandoned sign-ins (housekeeping, not needed for correctness). */
  int deleteExpired(DSLContext dsl, Duration pendingSignInLifetime) {
    OffsetDateTime now = now();
    int sessions = dsl.deleteFrom(WEB_SESSION)
        .where(WEB_SESSION.LAST_SEEN_AT.le(now.minus(settings.idle())))
        .or(WEB_SESSION.CREATED_AT.le(now.minus(settings.absolute())))
        .execute();
    int logins = dsl.deleteFrom(OIDC_LOGIN).where(OIDC_LOGIN.CREATED_AT.le(now.minus(pendingSignInLifetime))).execute();
    return sessions + logins;
  }

  private static Stored stored(Record r) {
    return new Stored(r.get(WEB_SESSION.ID_HASH), People.person(r), r.get(WEB_SESSION.CSRF_TOKEN),
        r.get(WEB_SESSION.OIDC_SID), r.get(WEB_SESSION.ID_TOKEN), r.get(WEB_SESSION.REFRESH_TOKEN),
        r.get(WEB_SESSION.ACCESS_EXPIRES_AT), r.get(WEB_SESSION.LAST_SEEN_AT));
  }

  static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

}
