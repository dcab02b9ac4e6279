package org.pocketlab.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.pocketlab.Problem;

/** Route guards: signed in, and holding a role. */
public final class Access {
  private final Authentication auth;

  public Access(Authentication auth) {
    this.auth = auth;
  }

  /**
   * Lets signed-in people through and sends everyone else to sign in (an HTMX request gets
   * {@code HX-Redirect}, since a redirect would be swapped into the page as a fragment).
   */
  public Handler<RoutingContext> signedIn() {
    return ctx -> {
      if (Authentication.person(ctx).isPresent()) {
        ctx.next();
        return;
      }
      if (!auth.signInConfigured()) {
        ctx.fail(notConfigured());
        return;
      }
      String login = "/auth/login?return=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8);
      if ("true".equals(ctx.request().getHeader("HX-Request"))) {
        ctx.response().setStatusCode(401).putHeader("HX-Redirect", login).end();
      } else {
        ctx.response().setStatusCode(302).putHeader("Location", login).putHeader("Cache-Control", "no-store").end();
      }
    };
  }

  /** Signed in and holding {@code role} (admins hold every role); others get the 403 page. */
  public Handler<RoutingContext> role(String role) {
    Handler<RoutingContext> signedIn = signedIn();
    return ctx -> {
      if (Authentication.person(ctx).isEmpty()) {
        signedIn.handle(ctx);
      } else if (Authentication.person(ctx).get().has(role)) {
        ctx.next();
      } else {
        ctx.fail(new Problem(403, "Not allowed", "This page is for people with the " + role + " role."));
      }
    };
  }

  static Problem notConfigured() {
    return new Problem(503, "Sign-in is not configured",
        "This server has no sign-in service configured, so only the lessons can be read. The operator can "
            + "set POCKETLAB_OIDC_ISSUER to enable sign-in.");
  }
}
