package org.pocketlab.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every response carries. The policy allows no inline script or style at all: every script and
 * stylesheet is a file under /assets, so an injected tag cannot run. The one exception is a per-response
 * style nonce: the terminal library (xterm.js) creates {@code <style>} elements, and our script stamps
 * them with the nonce the page carries. Forms may post to this site only; the identity provider is allowed
 * as a form target too because browsers apply {@code form-action} to the redirect after the sign-out form.
 */
final class SecurityHeaders implements Handler<RoutingContext> {
  static final String STYLE_NONCE = "pocketlab.styleNonce";
  // One DRBG per event-loop thread: the platform default (NativePRNG) serialises all threads on one lock.
  private static final ThreadLocal<java.security.SecureRandom> RANDOM = ThreadLocal.withInitial(() -> {
    try {
      return java.security.SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new java.security.SecureRandom();
    }
  });

  private final boolean https;
  private final String policyStart;
  private final String policyEnd;

  SecurityHeaders(boolean https, java.util.Optional<String> identityProviderOrigin) {
    this.https = https;
    this.policyStart = String.join("; ", "default-src 'self'", "script-src 'self'", "style-src 'self' 'nonce-");
    this.policyEnd = "'; " + String.join("; ",
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
    String nonce = nonce();
    ctx.put(STYLE_NONCE, nonce);
    headers.set("Content-Security-Policy", policyStart + nonce + policyEnd);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (https) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    ctx.next();
  }

  static String styleNonce(RoutingContext ctx) {
    String nonce = ctx.get(STYLE_NONCE);
    return nonce == null ? "" : nonce;
  }

  private static String nonce() {
    byte[] bytes = new byte[16];
    RANDOM.get().nextBytes(bytes);
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }
}
