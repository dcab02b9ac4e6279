package org.pocketlab.auth;

import static org.pocketlab.db.schema.Tables.OIDC_LOGIN;

import java.time.Duration;
import java.util.Optional;
import org.jooq.DSLContext;
import org.pocketlab.db.schema.tables.records.OidcLoginRecord;

/**
 * Sign-ins in progress ({@code oidc_login}): what the callback needs to find again. Kept in the database
 * rather than in memory so that the callback may land on another server replica.
 */
final class PendingSignIns {
  static final Duration LIFETIME = Duration.ofMinutes(15);

  private PendingSignIns() {}

  record Pending(String state, String nonce, String codeVerifier, String returnTo) {}

  static Pending start(DSLContext dsl, String returnTo) {
    Pending pending = new Pending(Tokens.random(), Tokens.random(), Tokens.random(48), returnTo);
    dsl.insertInto(OIDC_LOGIN)
        .set(OIDC_LOGIN.STATE, pending.state())
        .set(OIDC_LOGIN.NONCE, pending.nonce())
        .set(OIDC_LOGIN.CODE_VERIFIER, pending.codeVerifier())
        .set(OIDC_LOGIN.RETURN_TO, returnTo)
        .set(OIDC_LOGIN.CREATED_AT, WebSessions.now())
        .execute();
    return pending;
  }

  /** Takes (and so consumes) the sign-in with this state, if it is not too old: a state works once. */
  static Optional<Pending> take(DSLContext dsl, String state) {
    Optional<OidcLoginRecord> row = dsl.deleteFrom(OIDC_LOGIN)
        .where(OIDC_LOGIN.STATE.eq(state))
        .and(OIDC_LOGIN.CREATED_AT.gt(WebSessions.now().minus(LIFETIME)))
        .returning()
        .fetchOptional();
    return row.map(r -> new Pending(r.getState(), r.getNonce(), r.getCodeVerifier(), r.getReturnTo()));
  }
}
