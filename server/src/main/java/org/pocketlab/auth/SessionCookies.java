package org.pocketlab.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The two cookies of signing in: the session (random id, HttpOnly, SameSite=Lax, Secure and
 * {@code __Host-} prefixed over https) and the short-lived cookie that binds a sign-in's state to the
 * browser that started it.
 */
final class SessionCookies {
  private final boolean https;

  SessionCookies(boolean https) {
    this.https = https;
  }

  String sessionName() {
    return https ? "__Host-pocketlab_session" : "pocketlab_session";
  }

  String signInName() {
    return https ? "__Host-pocketlab_signin" : "pocketlab_signin";
  }

  String session(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(sessionName());
    return c == null ? null : c.getValue();
  }

  String signInState(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(signInName());
    return c == null ? null : c.getValue();
  }

  /** A session cookie without Max-Age: the server decides when the session ends. */
  void setSession(RoutingContext ctx, String value) {
    ctx.response().addCookie(cookie(sessionName(), value));
  }

  void setSignInState(RoutingContext ctx, String state) {
    ctx.response().addCookie(cookie(signInName(), state).setMaxAge(PendingSignIns.LIFETIME.toSeconds()));
  }

  void clearSession(RoutingContext ctx) {
    ctx.response().addCookie(cookie(sessionName(), "").setMaxAge(0));
  }

  void clearSignInState(RoutingContext ctx) {
    ctx.response().addCookie(cookie(signInName(), "").setMaxAge(0));
  }

  private Cookie cookie(String name, String value) {
    return Cookie.cookie(name, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSecure(https)
        .setSameSite(CookieSameSite.LAX);
  }

}
