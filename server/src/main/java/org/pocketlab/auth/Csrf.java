package org.pocketlab.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.pocketlab.Problem;

/**
 * Every state-changing request must carry the session's CSRF token, in the {@code X-CSRF-Token} header
 * (HTMX sends it from {@code hx-headers}) or the {@code _csrf} form field, and, when the browser says
 * where it comes from, an {@code Origin} of this site. The provider's back-channel call is exempt: it is
 * authenticated by its signed token instead.
 */
public final class Csrf implements Handler<RoutingContext> {
  public static final String HEADER = "X-CSRF-Token";
  public static final String FIELD = "_csrf";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final Set<String> EXEMPT = Set.of("/auth/backchannel-logout");

  private final String publicOrigin;

  public Csrf(String publicOrigin) {
    this.publicOrigin = publicOrigin;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (SAFE.contains(ctx.request().method()) || EXEMPT.contains(ctx.request().path())) {
      ctx.next();
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    String expected = Authentication.csrfToken(ctx).orElse(null);
    String offered = ctx.request().getHeader(HEADER);
    if (offered == null) offered = ctx.request().getFormAttribute(FIELD);
    boolean originOk = origin == null || origin.equals(publicOrigin);
    if (!originOk || expected == null || !Tokens.equalsConstantTime(expected, offered)) {
      ctx.fail(new Problem(403, "Request refused",
          "This form has expired or did not come from this site. Reload the page and try again."));
      return;
    }
    ctx.next();
  }
}
