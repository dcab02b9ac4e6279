package org.pocketlab.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Supplier;
import org.pocketlab.config.Settings;
import org.pocketlab.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is behind a request. Loads the person of a session cookie (one indexed query; anonymous requests cost
 * nothing), refreshes an expired access token with the provider, and signs the person out when the
 * provider says the sign-in is over. When the provider cannot be reached, people already signed in keep
 * working.
 */
public final class Authentication {
  private static final Logger log = LoggerFactory.getLogger(Authentication.class);
  private static final String PERSON = "pocketlab.person";
  private static final String SESSION = "pocketlab.session";
  private static final String AUTHENTICATION = "pocketlab.authentication";
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final Settings settings;
  private final Database database;
  private final Optional<OidcClient> oidc;
  private final WebSessions sessions;
  private final SessionCookies cookies;
  private long housekeeping = -1;

  public Authentication(Vertx vertx, Settings settings, Database database) {
    this.settings = settings;
    this.database = database;
    this.oidc = settings.oidc().configured()
        ? Optional.of(new OidcClient(vertx, settings.oidc(), callbackUrl(settings)))
        : Optional.empty();
    this.sessions = new WebSessions(settings.sessions());
    this.cookies = new SessionCookies(settings.publicUrlIsHttps());
    oidc.ifPresent(OidcClient::provider); // start discovery now; failures are retried on demand
  }

  static String callbackUrl(Settings settings) {
    return settings.publicUrl() + "/auth/callback";
  }

  /** Deletes expired sessions and abandoned sign-ins now and then, off the event loop. */
  public void startHousekeeping(Vertx vertx) {
    housekeeping = vertx.setPeriodic(Duration.ofMinutes(10).toMillis(), id ->
        database.query(dsl -> sessions.deleteExpired(dsl, PendingSignIns.LIFETIME))
            .onFailure(e -> log.warn("session housekeeping failed: {}", e.getMessage())));
  }

  public void stop(Vertx vertx) {
    if (housekeeping >= 0) vertx.cancelTimer(housekeeping);
    oidc.ifPresent(OidcClient::close);
  }

  public boolean signInConfigured() {
    return oidc.isPresent();
  }

  Optional<OidcClient> oidc() {
    return oidc;
  }

  /** Succeeds when the identity provider is discovered and answers now (for readiness). */
  public Future<Void> signInAvailable() {
    return oidc.map(o -> o.provider().compose(p -> o.reachable()))
        .orElse(Future.failedFuture("sign-in is not configured"));
  }

  public Settings settings() {
    return settings;
  }

  Database database() {
    return database;
  }

  WebSessions sessions() {
    return sessions;
  }

  SessionCookies cookies() {
    return cookies;
  }

  public static Optional<Person> person(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(PERSON));
  }

  /** The CSRF token of the request's session, for forms and HTMX headers. */
  public static Optional<String> csrfToken(RoutingContext ctx) {
    return session(ctx).map(WebSessions.Stored::csrfToken);
  }

  static Optional<WebSessions.Stored> session(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(SESSION));
  }

  /**
   * For a long-lived connection opened by this request (a terminal, a live dashboard): re-reads its sign-in as
   * a request would, so the open connection counts as activity and a sign-out anywhere (or expiry, or the
   * identity provider refusing a refresh) is seen. True while the sign-in holds; an unreachable database is
   * not a sign-out.
   */
  public static Supplier<Future<Boolean>> signInCheck(RoutingContext ctx) {
    Authentication auth = ctx.get(AUTHENTICATION);
    String cookie = auth == null ? null : auth.cookies.session(ctx);
    if (cookie == null || session(ctx).isEmpty()) return () -> Future.succeededFuture(false);
    return () -> auth.load(cookie).map(Optional::isPresent).otherwise(true);
  }

  /** How often open connections call their {@link #signInCheck}. */
  public static Duration recheckEvery(RoutingContext ctx) {
    Authentication auth = ctx.get(AUTHENTICATION);
    return auth == null ? Duration.ofMinutes(1) : auth.settings.sessions().recheck();
  }

  private Future<Optional<WebSessions.Stored>> load(String cookie) {
    return database.query(dsl -> sessions.find(dsl, cookie))
        .compose(found -> found.isPresent() ? fresh(found.get()) : Future.succeededFuture(Optional.empty()));
  }

  /** Route handler: attaches the signed-in person, if any, to the request. */
  public Handler<RoutingContext> loader() {
    return ctx -> {
      String cookie = cookies.session(ctx);
      if (cookie == null || cookie.isEmpty()) {
        ctx.next();
        return;
      }
      if ("websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
        ctx.request().pause(); // a WebSocket upgrade after an asynchronous step needs the request unread
      }
      load(cookie)
          .onSuccess(session -> {
            if (session.isPresent()) {
              ctx.put(SESSION, session.get());
              ctx.put(PERSON, session.get().person());
              ctx.put(AUTHENTICATION, this);
            } else {
              cookies.clearSession(ctx); // unknown, tampered, expired or signed out elsewhere
            }
            ctx.next();
          })
          .onFailure(ctx::fail);
    };
  }

  /**
   * Keeps a loaded session current: marks activity (at most once a minute) and refreshes an expired
   * access token. The provider refusing the refresh ends the session; the provider being unreachable
   * does not.
   */
  private Future<Optional<WebSessions.Stored>> fresh(WebSessions.Stored session) {
    OffsetDateTime now = WebSessions.now();
    if (session.lastSeenAt().isBefore(now.minus(TOUCH_EVERY))) {
      database.query(dsl -> {
        sessions.touch(dsl, session.idHash());
        return null;
      });
    }
    if (session.accessExpiresAt().isAfter(now) || oidc.isEmpty() || session.refreshToken() == null) {
      return Future.succeededFuture(Optional.of(session));
    }
    return oidc.get().refresh(session.refreshToken())
        .compose(tokens -> database.query(dsl -> {
          sessions.refreshed(dsl, session, tokens);
          return Optional.of(withRoles(session, tokens));
        }))
        .recover(failure -> {
          if (OidcClient.unreachable(failure)) return Future.succeededFuture(Optional.of(session));
          log.info("sign-in of {} ended by the identity provider: {}", session.person().username(), failure.getMessage());
          return database.query(dsl -> {
            sessions.delete(dsl, session.idHash());
            return Optional.empty();
          });
        });
  }

  private static WebSessions.Stored withRoles(WebSessions.Stored s, SignInTokens tokens) {
    Person p = s.person();
    return new WebSessions.Stored(s.idHash(), new Person(p.id(), p.username(), p.name(), p.email(), tokens.roles()),
        s.csrfToken(), s.oidcSid(), s.idToken(), tokens.refreshToken(), tokens.accessExpiresAt().atOffset(
            java.time.ZoneOffset.UTC), WebSessions.now());
  }
}
