package org.pocketlab.config;

import java.net.URI;
import java.util.Optional;

/** Where people sign in. No issuer means sign-in is not configured: lessons still read publicly. */
public record OidcSettings(Optional<URI> issuer, String clientId, String clientSecret) {

  static OidcSettings from(Env env) {
    Optional<URI> issuer = env.httpUrl("POCKETLAB_OIDC_ISSUER");
    String secret = env.string("POCKETLAB_OIDC_CLIENT_SECRET", "");
    if (issuer.isPresent() && secret.isEmpty()) {
      throw new InvalidSettingException("POCKETLAB_OIDC_CLIENT_SECRET", "the client secret when POCKETLAB_OIDC_ISSUER is set", "");
    }
    return new OidcSettings(issuer, env.string("POCKETLAB_OIDC_CLIENT_ID", "pocketlab-web"), secret);
  }

  /** e.g. {@code https://id.example.org}, for policies that name the provider's origin. */
  public Optional<String> issuerOrigin() {
    return issuer.map(u -> u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort()));
  }

  public boolean configured() {
    return issuer.isPresent();
  }
}
