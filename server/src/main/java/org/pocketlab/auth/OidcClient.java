package org.pocketlab.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.pocketlab.config.OidcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider as seen by the server: discovery (retried lazily, so the server starts and keeps
 * serving lessons while the provider is down), the code exchange with PKCE, refresh, sign-out URL and
 * back-channel logout tokens. All calls are non-blocking.
 */
public final class OidcClient {
  private static final Logger log = LoggerFactory.getLogger(OidcClient.class);
  private static final long RETRY_DISCOVERY_MS = 5_000;
  private static final String BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

  private final Vertx vertx;
  private final OidcSettings settings;
  private final String callbackUrl;
  private final HttpClient probe;
  private volatile Future<OAuth2Auth> provider;
  private volatile long discoveryFailedAt;

  public OidcClient(Vertx vertx, OidcSettings settings, String callbackUrl) {
    this.vertx = vertx;
    this.settings = settings;
    this.callbackUrl = callbackUrl;
    this.probe = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
  }

  String issuer() {
    return settings.issuer().orElseThrow().toString();
  }

  /** The discovered provider; a failed discovery is retried at most every few seconds. */
  Future<OAuth2Auth> provider() {
    Future<OAuth2Auth> current = provider;
    boolean retry = current == null
        || (current.failed() && System.currentTimeMillis() - discoveryFailedAt > RETRY_DISCOVERY_MS);
    if (!retry) return current;
    synchronized (this) {
      if (provider != current) return provider;
      OAuth2Options options = new OAuth2Options()
          .setSite(issuer())
          .setClientId(settings.clientId())
          .setClientSecret(settings.clientSecret())
          .setJWTOptions(new JWTOptions().setAudience(List.of(settings.clientId())).setLeeway(30))
          .setHttpClientOptions(new HttpClientOptions().setConnectTimeout(3_000).setIdleTimeout(30));
      provider = OpenIDConnectAuth.discover(vertx, options)
          .onSuccess(p -> log.info("identity provider {} discovered", issuer()))
          .onFailure(e -> {
            discoveryFailedAt = System.currentTimeMillis();
            log.warn("identity provider {} not reachable: {}", issuer(), e.getMessage());
          });
      return provider;
    }
  }

  /**
   * Whether the provider answers right now: decides if sending a person there makes sense. Not cached: it
   * runs once per sign-in or sign-out click and per readiness probe.
   */
  Future<Void> reachable() {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(issuer() + "/.well-known/openid-configuration")
        .setTimeout(3_000);
    return probe.request(request)
        .compose(req -> req.send())
        .compose(res -> res.body().map(res.statusCode()))
        .compose(status -> status == 200
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("identity provider answered HTTP " + status));
  }

  String authorizeUrl(OAuth2Auth provider, String state, String nonce, String codeVerifier) {
    return provider.authorizeURL(new OAuth2AuthorizationURL()
        .setRedirectUri(callbackUrl)
        .setScopes(List.of("openid", "profile", "email"))
        .setState(state)
        .setCodeChallenge(Tokens.pkceChallenge(codeVerifier))
        .setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", nonce));
  }

  /** Exchanges an authorization code; the ID token must carry the nonce of this sign-in. */
  Future<SignInTokens> exchange(String code, String codeVerifier, String expectedNonce) {
    return provider()
        .compose(p -> p.authenticate(new Oauth2Credentials()
            .setFlow(OAuth2FlowType.AUTH_CODE)
            .setCode(code)
            .setRedirectUri(callbackUrl)
            .setCodeVerifier(codeVerifier)))
        .map(SignInTokens::of)
        .compose(tokens -> Tokens.equalsConstantTime(expectedNonce, tokens.nonce())
            ? Future.succeededFuture(tokens)
            : Future.failedFuture(new SignInRejected("the ID token's nonce does not match this sign-in")));
  }

  Future<SignInTokens> refresh(String refreshToken) {
    User stale = User.create(new JsonObject().put("refresh_token", refreshToken).put("access_token", ""));
    return provider().compose(p -> p.refresh(stale)).map(SignInTokens::of);
  }

  /** Where to send the browser so that the provider's session ends too (RP-initiated logout). */
  Future<String> endSessionUrl(String idToken, String postLogoutRedirect) {
    return provider().map(p -> p.endSessionURL(User.create(new JsonObject().put("id_token", idToken)),
        new JsonObject()
            .put("post_logout_redirect_uri", postLogoutRedirect)
            .put("client_id", settings.clientId())));
  }

  /**
   * Verifies a back-channel logout token (signature, issuer, audience, expiry through the provider's
   * keys) and returns its claims; it must announce the back-channel logout event and name a session
   * or a subject.
   */
  Future<JsonObject> verifyLogoutToken(String token) {
    return provider()
        .compose(p -> p.authenticate(new TokenCredentials(token)))
        .map(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          JsonObject events = claims.getJsonObject("events", new JsonObject());
          if (!events.containsKey(BACKCHANNEL_EVENT)) throw new SignInRejected("not a back-channel logout token");
          if (claims.containsKey("nonce")) throw new SignInRejected("a logout token must not carry a nonce");
          if (claims.getString("sid") == null && claims.getString("sub") == null) {
            throw new SignInRejected("the logout token names neither a session nor a subject");
          }
          return claims;
        });
  }

  /** A failure to reach the provider (as opposed to the provider saying no). */
  static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
          || t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("Connection refused") || message.contains("Connection was closed")
          || message.contains("timeout")) {
        return true;
      }
      if (t.getCause() == t) break;
    }
    return false;
  }

  public void close() {
    probe.close();
  }

  /** The provider answered, and the answer is no (bad state, nonce, token). */
  static final class SignInRejected extends RuntimeException {
    SignInRejected(String message) {
      super(message, null, false, false);
    }
  }
}
