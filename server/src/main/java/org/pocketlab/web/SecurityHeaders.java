package org.pocketlab.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every response carries. The policy allows no inline script or style at all: every script and
 * stylesheet is a file under /assets, so an injected tag cannot run. Forms may post to this site only; the
 * identity provider is allowed as a form target too because browsers apply {@code form-action} to the
 * redirect after the sign-out form, which goes there.
 */
final class SecurityHeaders implements Handler<RoutingContext> {
  private final boolean https;
  private final String contentSecurityPolicy;

  SecurityHeaders(boolean https, java.util.Optional<String> identityProviderOrigin) {
    this.https = https;
    this.contentSecurityPolicy = String.join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'" + identityProviderOrigin.map(o -> " " + o).orElse(""),
        "frame-ancestors 'none'");
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", contentSecurityPolicy);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (https) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    ctx.next();
  }
}
