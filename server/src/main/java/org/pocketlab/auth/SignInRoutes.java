package org.pocketlab.auth;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.pocketlab.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /auth/login, /auth/callback, /auth/logout and /auth/backchannel-logout: the authorization code flow with
 * PKCE, state and nonce; a new session id at every sign-in; sign-out that ends the provider's session too;
 * and the provider ending ours.
 */
public final class SignInRoutes {
  private static final Logger log = LoggerFactory.getLogger(SignInRoutes.class);

  private final Authentication auth;

  public SignInRoutes(Authentication auth) {
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.post("/auth/logout").handler(this::logout);
    router.post("/auth/backchannel-logout").handler(this::backchannelLogout);
  }

  private void login(RoutingContext ctx) {
    OidcClient oidc = configured();
    String returnTo = safeReturnPath(ctx.request().getParam("return"));
    oidc.reachable()
        .compose(v -> oidc.provider())
        .recover(e -> Future.failedFuture(unavailable()))
        .compose(provider -> auth.database().query(dsl -> PendingSignIns.start(dsl, returnTo))
            .map(pending -> {
              auth.cookies().setSignInState(ctx, pending.state());
              return oidc.authorizeUrl(provider, pending.state(), pending.nonce(), pending.codeVerifier());
            }))
        .onSuccess(url -> redirect(ctx, 302, url))
        .onFailure(ctx::fail);
  }

  private void callback(RoutingContext ctx) {
    OidcClient oidc = configured();
    String error = ctx.request().getParam("error");
    if (error != null) {
      auth.cookies().clearSignInState(ctx);
      ctx.fail(new Problem(400, "Sign-in did not complete",
          "The sign-in service answered '" + error + "'. You can try signing in again."));
      return;
    }
    String state = ctx.request().getParam("state");
    String code = ctx.request().getParam("code");
    String boundState = auth.cookies().signInState(ctx);
    auth.cookies().clearSignInState(ctx);
    if (state == null || code == null || !Tokens.equalsConstantTime(state, boundState)) {
      ctx.fail(expiredSignIn());
      return;
    }
    String previousSession = auth.cookies().session(ctx);
    auth.database().query(dsl -> PendingSignIns.take(dsl, state))
        .compose(pending -> pending.isPresent() ? Future.succeededFuture(pending.get()) : Future.failedFuture(expiredSignIn()))
        .compose(pending -> oidc.exchange(code, pending.codeVerifier(), pending.nonce())
            .recover(e -> Future.failedFuture(OidcClient.unreachable(e) ? unavailable() : rejected(e)))
            .compose(tokens -> auth.database().transaction(dsl -> {
              if (previousSession != null) auth.sessions().delete(dsl, Tokens.sha256Hex(previousSession));
              Person person = People.signedIn(dsl, tokens);
              log.info("{} signed in (provider session {})", person.username(), tokens.sid());
              return auth.sessions().create(dsl, person, tokens);
            }))
            .map(cookie -> {
              auth.cookies().setSession(ctx, cookie);
              return pending.returnTo();
            }))
        .onSuccess(returnTo -> redirect(ctx, 303, returnTo))
        .onFailure(ctx::fail);
  }

  /** Ends our session, then sends the browser to the provider to end its session as well. */
  private void logout(RoutingContext ctx) {
    Optional<WebSessions.Stored> session = Authentication.session(ctx);
    auth.cookies().clearSession(ctx);
    if (session.isEmpty()) {
      redirect(ctx, 303, "/");
      return;
    }
    String home = auth.settings().publicUrl() + "/";
    auth.database().query(dsl -> {
          auth.sessions().delete(dsl, session.get().idHash());
          return null;
        })
        .compose(v -> auth.oidc().isEmpty()
            ? Future.succeededFuture("/")
            : auth.oidc().get().reachable()
                .compose(ok -> auth.oidc().get().endSessionUrl(session.get().idToken(), home))
                .otherwise("/"))
        .onSuccess(url -> redirect(ctx, 303, url))
        .onFailure(ctx::fail);
  }

  /** The provider tells us (server to server) that a sign-in ended there; its token is verified first. */
  private void backchannelLogout(RoutingContext ctx) {
    String token = ctx.request().getFormAttribute("logout_token");
    if (auth.oidc().isEmpty() || token == null || token.isBlank()) {
      ctx.response().setStatusCode(400).putHeader("Cache-Control", "no-store").end();
      return;
    }
    auth.oidc().get().verifyLogoutToken(token)
        .compose(claims -> auth.database().query(
            dsl -> auth.sessions().deleteByProviderSession(dsl, claims.getString("sid"), claims.getString("sub")))
            .onSuccess(ended -> log.info("back-channel logout of provider session {} ended {} session(s)",
                claims.getString("sid"), ended)))
        .onSuccess(ended -> {
          ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store").end();
        })
        .onFailure(e -> {
          log.warn("back-channel logout refused: {}", e.getMessage());
          ctx.response().setStatusCode(400).putHeader("Cache-Control", "no-store").end();
        });
  }

  private OidcClient configured() {
    return auth.oidc().orElseThrow(Access::notConfigured);
  }

  /** Only a path on this site: an absolute URL or {@code //host} here would be an open redirect. */
  static String safeReturnPath(String requested) {
    if (requested == null || !requested.startsWith("/") || requested.startsWith("//") || requested.startsWith("/\\")
        || requested.length() > 1000 || requested.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return requested;
  }

  private static void redirect(RoutingContext ctx, int status, String location) {
    ctx.response().setStatusCode(status).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  static Problem unavailable() {
    return new Problem(503, "Sign-in is unavailable",
        "The sign-in service cannot be reached right now. Lessons can still be read; please try signing in "
            + "again in a minute.");
  }

  private static Problem expiredSignIn() {
    return new Problem(400, "This sign-in has expired",
        "The sign-in link was already used, is too old, or was started in another browser. Please sign in again.");
  }

  private static Problem rejected(Throwable e) {
    log.warn("sign-in rejected: {}", e.getMessage());
    return new Problem(400, "Sign-in failed", "The sign-in could not be completed. Please sign in again.");
  }
}
