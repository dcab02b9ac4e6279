package org.pocketlab.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.TestKeycloak;
import org.pocketlab.testsupport.TestKeycloak.LoginResult;
import org.pocketlab.testsupport.TestKeycloak.Pkce;
import org.pocketlab.testsupport.TestKeycloak.TokenResponse;

/**
 * The realm in deploy/keycloak/pocketlab-realm.json, proven against a real Keycloak started by
 * deploy/keycloak/local-keycloak: what Pocketlab's sign-in relies on.
 */
class KeycloakRealmTest {
  private static final String REDIRECT_URI = TestKeycloak.IMPORTED_PUBLIC_URL + "/auth/callback";

  private static TestKeycloak keycloak;

  @BeforeAll
  static void startKeycloak() {
    keycloak = TestKeycloak.get();
    System.out.println("test Keycloak ready at " + keycloak.issuer() + " after " + keycloak.lastStartTime());
  }

  @Test
  void discoveryNamesTheIssuerWhateverHostTheRequestUsed() throws Exception {
    for (String base : List.of(keycloak.baseUrl(), "http://127.0.0.1:" + keycloak.port())) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/realms/pocketlab/.well-known/openid-configuration")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      JsonObject discovery = new JsonObject(response.body());
      assertEquals(keycloak.issuer(), discovery.getString("issuer"), base);
      assertEquals("http://localhost:" + keycloak.port() + "/realms/pocketlab", discovery.getString("issuer"));
      assertEquals(keycloak.authorizationEndpoint(), discovery.getString("authorization_endpoint"));
      assertEquals(keycloak.tokenEndpoint(), discovery.getString("token_endpoint"));
      assertEquals(keycloak.endSessionEndpoint(), discovery.getString("end_session_endpoint"));
      assertTrue(discovery.getJsonArray("code_challenge_methods_supported").contains("S256"));
    }
    HttpResponse<String> ready = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(keycloak.readinessUrl())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
  }

  @Test
  void aLearnerSignsInThroughTheLoginFormWithPkce() {
    Pkce pkce = Pkce.create();
    String state = UUID.randomUUID().toString();
    LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(REDIRECT_URI, state, pkce), "learner1",
        "learner1", TestKeycloak.newBrowserClient());

    assertTrue(login.redirected(), () -> "no redirect back: " + login.status() + " " + login.pageError());
    assertTrue(login.location().startsWith(REDIRECT_URI + "?"), login.location());
    assertEquals(state, login.state());
    assertEquals(keycloak.issuer(), login.param("iss"));
    assertNotNull(login.code());

    TokenResponse tokens = keycloak.exchangeCode(login.code(), REDIRECT_URI, pkce.verifier());
    assertEquals(200, tokens.status(), () -> tokens.json().toString());
    assertEquals(300, ((Number) tokens.json().get("expires_in")).intValue(), "access token lifespan 5 min");

    Map<String, Object> access = TestKeycloak.jwtPayload(tokens.accessToken());
    assertEquals(keycloak.issuer(), access.get("iss"));
    assertTrue(audiences(access).contains("pocketlab-web"), () -> "aud: " + access.get("aud"));
    assertEquals("pocketlab-web", access.get("azp"));
    assertEquals("learner1", access.get("preferred_username"));
    List<String> roles = realmRoles(access);
    assertTrue(roles.contains("learner"), roles::toString);
    assertFalse(roles.contains("instructor"), roles::toString);
    assertFalse(roles.contains("admin"), roles::toString);

    Map<String, Object> id = TestKeycloak.jwtPayload(tokens.idToken());
    assertEquals(keycloak.issuer(), id.get("iss"));
    assertEquals(List.of("pocketlab-web"), audiences(id));
    assertEquals("learner1", id.get("preferred_username"));
    assertEquals("Lea Learner", id.get("name"));
    assertEquals("learner1@pocketlab.test", id.get("email"));
    assertEquals(Boolean.TRUE, id.get("email_verified"));
  }

  @Test
  void instructorsAndAdminsCarryTheirRoles() {
    List<String> instructor = realmRoles(signIn("instructor1"));
    assertTrue(instructor.containsAll(List.of("learner", "instructor")), instructor::toString);
    assertFalse(instructor.contains("admin"), instructor::toString);

    List<String> admin = realmRoles(signIn("admin1"));
    assertTrue(admin.containsAll(List.of("learner", "instructor", "admin")), admin::toString);

    List<String> learner2 = realmRoles(signIn("learner2"));
    assertTrue(learner2.contains("learner") && !learner2.contains("instructor"), learner2::toString);
  }

  @Test
  void anAuthorizationRequestWithoutCodeChallengeIsRefused() {
    String state = UUID.randomUUID().toString();
    LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(REDIRECT_URI, state, null), "learner1",
        "learner1", TestKeycloak.newBrowserClient());

    assertFalse(login.loginFormShown(), "no login form without PKCE");
    assertNull(login.code());
    assertTrue(login.redirected() && login.location().startsWith(REDIRECT_URI + "?"),
        () -> login.status() + " " + login.location());
    assertEquals("invalid_request", login.error());
    assertTrue(login.param("error_description").contains("code_challenge"), login.param("error_description"));
    assertEquals(state, login.state());
  }

  @Test
  void aCodeIsNotRedeemedWithoutItsVerifier() {
    Pkce pkce = Pkce.create();
    LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(REDIRECT_URI, "s", pkce), "learner2",
        "learner2", TestKeycloak.newBrowserClient());
    assertNotNull(login.code(), login::toString);

    TokenResponse withoutVerifier = keycloak.exchangeCode(login.code(), REDIRECT_URI, null);
    assertEquals(400, withoutVerifier.status());
    assertEquals("invalid_grant", withoutVerifier.error());
    assertNull(withoutVerifier.accessToken());
  }

  @Test
  void anUnregisteredRedirectUriIsRefused() {
    for (String redirect : List.of("http://evil.example/auth/callback", TestKeycloak.IMPORTED_PUBLIC_URL + "/elsewhere",
        TestKeycloak.IMPORTED_PUBLIC_URL + "/auth/callback/../../x")) {
      LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(redirect, "s", Pkce.create()), "learner1",
          "learner1", TestKeycloak.newBrowserClient());
      assertEquals(400, login.status(), redirect);
      assertFalse(login.redirected(), redirect);
      assertFalse(login.loginFormShown(), redirect);
      assertTrue(login.body().contains("Invalid parameter: redirect_uri"), login::pageError);
    }
  }

  @Test
  void thePasswordGrantIsRefused() {
    TokenResponse response = keycloak.tokenRequest(Map.of("grant_type", "password", "username", "learner1",
        "password", "learner1", "scope", "openid"));
    assertEquals(400, response.status(), () -> response.json().toString());
    assertEquals("unauthorized_client", response.error());
    assertNull(response.accessToken());
  }

  @Test
  void aWrongPasswordShowsTheLoginFormAgainWithAnError() {
    // A user of its own: failures count towards brute-force detection, the demo users stay untouched.
    String username = "mistyped-" + UUID.randomUUID().toString().substring(0, 8);
    keycloak.createUser(username, "pw-" + username);
    LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(REDIRECT_URI, "s", Pkce.create()), username,
        "not-the-password", TestKeycloak.newBrowserClient());
    assertFalse(login.redirected(), login::location);
    assertEquals(200, login.status());
    assertTrue(login.loginFormShown());
    assertEquals("Invalid username or password.", login.pageError());
  }

  @Test
  void aNewUserIsALearnerByDefault() {
    String username = "newcomer-" + UUID.randomUUID().toString().substring(0, 8);
    keycloak.createUser(username, "pw-" + username);

    List<Map<String, Object>> accountRoles = keycloak.adminList("/users/" + keycloak.userId(username)
        + "/role-mappings/clients/" + keycloak.adminList("/clients?clientId=account").get(0).get("id") + "/composite");
    assertTrue(accountRoles.stream().anyMatch(role -> "manage-account".equals(role.get("name"))),
        "Keycloak's usual defaults stay: the account console is usable");

    List<String> effective = keycloak.effectiveRealmRoles(username);
    assertTrue(effective.contains("learner"), effective::toString);
    assertFalse(effective.contains("instructor") || effective.contains("admin"), effective::toString);

    List<String> roles = realmRoles(signIn(username, "pw-" + username));
    assertTrue(roles.contains("learner") && !roles.contains("instructor"), roles::toString);
  }

  @Test
  void aRegisteredPublicUrlCanSignInAndSignOut() throws Exception {
    String publicUrl = "http://127.0.0.1:" + freePort();
    String redirect = publicUrl + "/auth/callback";
    LoginResult before = TestKeycloak.login(keycloak.authorizationUrl(redirect, "s", Pkce.create()), "learner1",
        "learner1", TestKeycloak.newBrowserClient());
    assertEquals(400, before.status(), "not registered yet");

    keycloak.allowPublicUrl(publicUrl + "/");
    keycloak.allowPublicUrl(publicUrl); // idempotent
    JsonObject client = keycloak.client();
    assertEquals(1, client.getJsonArray("redirectUris").stream().filter(redirect::equals).count());
    assertTrue(client.getJsonArray("redirectUris").contains(REDIRECT_URI), "earlier registrations stay");
    List<String> postLogout = List.of(client.getJsonObject("attributes").getString("post.logout.redirect.uris")
        .split("##"));
    assertEquals(1, postLogout.stream().filter((publicUrl + "/")::equals).count(), postLogout::toString);
    assertTrue(postLogout.contains(TestKeycloak.IMPORTED_PUBLIC_URL + "/"), postLogout::toString);

    // Sign in as a user of our own, so that no other test's sessions are counted.
    String username = "signout-" + UUID.randomUUID().toString().substring(0, 8);
    keycloak.createUser(username, "pw-" + username);
    HttpClient browser = TestKeycloak.newBrowserClient();
    Pkce pkce = Pkce.create();
    LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(redirect, "st", pkce), username,
        "pw-" + username, browser);
    assertTrue(login.location().startsWith(redirect + "?"), login::toString);
    TokenResponse tokens = keycloak.exchangeCode(login.code(), redirect, pkce.verifier());
    assertEquals(200, tokens.status(), () -> tokens.json().toString());
    assertEquals(1, keycloak.userSessions(username).size());

    // Same browser, second authorization request: the Keycloak session signs in without a form.
    LoginResult sso = TestKeycloak.login(keycloak.authorizationUrl(redirect, "st2", Pkce.create()), username,
        "unused", browser);
    assertTrue(sso.redirected() && sso.code() != null, sso::toString);

    // RP-initiated logout to the registered post-logout URI ends the Keycloak session.
    String logout = keycloak.endSessionEndpoint() + "?" + TestKeycloak.formEncode(Map.of(
        "id_token_hint", tokens.idToken(), "post_logout_redirect_uri", publicUrl + "/", "state", "bye"));
    HttpResponse<String> loggedOut = browser.send(HttpRequest.newBuilder(URI.create(logout)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(302, loggedOut.statusCode(), loggedOut.body());
    assertEquals(publicUrl + "/?state=bye", loggedOut.headers().firstValue("Location").orElse(""));
    assertEquals(0, keycloak.userSessions(username).size());

    // An unregistered post-logout URI is refused.
    String elsewhere = keycloak.endSessionEndpoint() + "?" + TestKeycloak.formEncode(Map.of(
        "client_id", "pocketlab-web", "post_logout_redirect_uri", "http://evil.example/"));
    HttpResponse<String> refused = browser.send(HttpRequest.newBuilder(URI.create(elsewhere)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, refused.statusCode());
  }

  @Test
  void theRealmAndClientAreConfiguredAsSpecified() {
    Map<String, Object> realm = keycloak.adminGet("");
    assertEquals(Boolean.TRUE, realm.get("bruteForceProtected"));
    assertEquals(300, realm.get("accessTokenLifespan"));
    assertEquals(1800, realm.get("ssoSessionIdleTimeout"));
    assertEquals(36000, realm.get("ssoSessionMaxLifespan"));
    assertEquals("default-roles-pocketlab", ((Map<?, ?>) realm.get("defaultRole")).get("name"));
    Map<?, ?> attributes = (Map<?, ?>) realm.get("attributes");
    assertFalse(attributes != null && attributes.containsKey("frontendUrl"), "frontendUrl not set");

    JsonObject client = keycloak.client();
    assertEquals(false, client.getBoolean("publicClient"));
    assertEquals(true, client.getBoolean("standardFlowEnabled"));
    assertEquals(false, client.getBoolean("implicitFlowEnabled"));
    assertEquals(false, client.getBoolean("directAccessGrantsEnabled"));
    assertEquals(false, client.getBoolean("serviceAccountsEnabled"));
    assertEquals(false, client.getBoolean("consentRequired"));
    assertEquals(keycloak.clientSecret(), client.getString("secret"), "the secret placeholder was resolved");
    JsonObject clientAttributes = client.getJsonObject("attributes");
    assertEquals("S256", clientAttributes.getString("pkce.code.challenge.method"));
    assertEquals(TestKeycloak.IMPORTED_PUBLIC_URL + "/auth/backchannel-logout",
        clientAttributes.getString("backchannel.logout.url"));
    assertEquals("true", clientAttributes.getString("backchannel.logout.session.required"));
    assertTrue(client.getJsonArray("webOrigins").contains(TestKeycloak.IMPORTED_PUBLIC_URL));
  }

  private static Map<String, Object> signIn(String username) {
    return signIn(username, username);
  }

  /** The access token payload of a complete code flow with PKCE for the user. */
  private static Map<String, Object> signIn(String username, String password) {
    Pkce pkce = Pkce.create();
    LoginResult login = TestKeycloak.login(keycloak.authorizationUrl(REDIRECT_URI, "s", pkce), username, password,
        TestKeycloak.newBrowserClient());
    assertNotNull(login.code(), () -> username + ": " + login.status() + " " + login.location() + " "
        + login.pageError());
    TokenResponse tokens = keycloak.exchangeCode(login.code(), REDIRECT_URI, pkce.verifier());
    assertEquals(200, tokens.status(), () -> tokens.json().toString());
    return TestKeycloak.jwtPayload(tokens.accessToken());
  }

  @SuppressWarnings("unchecked")
  private static List<String> realmRoles(Map<String, Object> payload) {
    Map<String, Object> realmAccess = (Map<String, Object>) payload.get("realm_access");
    assertNotNull(realmAccess, () -> "no realm_access in " + payload);
    return (List<String>) realmAccess.get("roles");
  }

  @SuppressWarnings("unchecked")
  private static List<String> audiences(Map<String, Object> payload) {
    Object aud = payload.get("aud");
    return aud instanceof String ? List.of((String) aud) : (List<String>) aud;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
