package org.pocketlab.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.WEB_SESSION;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestKeycloak;
import org.pocketlab.testsupport.TestServer;

/** Signing in, roles, sessions, CSRF and signing out, against the real Keycloak of this test run. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInFlowTest {
  private static final String LESSON = "/courses/django-pocket-book/cards/12-models-orm-essentials";
  private static TestServer server;
  private static TestKeycloak keycloak;

  @BeforeAll
  static void start() {
    keycloak = TestKeycloak.get();
    server = TestServer.withKeycloak();
    // 127.0.0.1, not localhost: Keycloak may resolve localhost to ::1, where the test server does not listen.
    keycloak.setBackchannelLogoutUrl("http://127.0.0.1:" + server.port());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  @Order(1)
  void aLearnerSignsInThroughKeycloakAndSeesTheirName() {
    Browser browser = new Browser(server);
    HttpResponse<String> anonymous = browser.get(LESSON);
    assertTrue(anonymous.body().contains(">Sign in</a>"), "lessons read without signing in");

    HttpResponse<String> page = browser.signIn("learner1", "learner1", LESSON);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Signed in as <strong>Lea Learner</strong>"), "the header names the person");
    assertTrue(page.body().contains("<h1 id=\"page-title\" tabindex=\"-1\">Models &amp; ORM Essentials</h1>"),
        "sign-in returns to the lesson it started from");

    try (CloseableDSLContext db = db()) {
      var person = db.selectFrom(APP_USER).where(APP_USER.USERNAME.eq("learner1")).fetchOne();
      assertEquals("Lea Learner", person.getName());
      assertEquals("learner1@pocketlab.test", person.getEmail());
      assertEquals("learner", person.getRoles());
    }
  }

  @Test
  @Order(2)
  void rolesDecideWhoSeesInstructorPages() {
    Browser learner = new Browser(server);
    learner.signIn("learner2", "learner2", "/");
    HttpResponse<String> refused = learner.get("/people");
    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("Not allowed"));

    Browser instructor = new Browser(server);
    instructor.signIn("instructor1", "instructor1", "/");
    HttpResponse<String> people = instructor.get("/people");
    assertEquals(200, people.statusCode());
    assertTrue(people.body().contains("Ines Instructor"));

    HttpResponse<String> anonymous = new Browser(server).get("/people");
    assertEquals(302, anonymous.statusCode());
    assertTrue(anonymous.headers().firstValue("Location").orElse("").startsWith("/auth/login?return=%2Fpeople"));
    HttpResponse<String> htmx = new Browser(server).get("/people", "HX-Request", "true");
    assertEquals(401, htmx.statusCode());
    assertTrue(htmx.headers().firstValue("HX-Redirect").orElse("").startsWith("/auth/login?return="),
        "an HTMX request is told to navigate, not handed a login page to swap in");
  }

  @Test
  @Order(3)
  void stateChangingRequestsNeedTheSessionsCsrfToken() {
    Browser browser = new Browser(server);
    String page = browser.signIn("learner1", "learner1", "/").body();
    String token = Browser.csrfToken(page);
    assertTrue(page.contains("hx-headers=\"{&#34;X-CSRF-Token&#34;: &#34;" + token + "&#34;}\""),
        "HTMX requests carry the token too");

    HttpResponse<String> none = browser.post("/auth/logout", Map.of());
    assertEquals(403, none.statusCode());
    assertTrue(none.body().contains("Request refused"));
    assertEquals(403, browser.post("/auth/logout", Map.of("_csrf", "wrong" + token)).statusCode());
    assertEquals(403, browser.post("/auth/logout", Map.of("_csrf", token), "Origin", "http://evil.example").statusCode());
    assertTrue(browser.get("/").body().contains("Signed in as"), "refused requests changed nothing");

    HttpResponse<String> viaHeader = browser.post("/auth/logout", Map.of(), "X-CSRF-Token", token,
        "Origin", server.publicUrl());
    assertEquals(303, viaHeader.statusCode(), "the right token in the HTMX header is accepted");
    assertFalse(browser.get("/").body().contains("Signed in as"));
  }

  @Test
  @Order(4)
  void theSessionIdChangesAtSignInAndTheOldOneStopsWorking() {
    Browser browser = new Browser(server);
    browser.signIn("learner1", "learner1", "/");
    String first = browser.sessionCookie().orElseThrow();
    browser.signIn("learner1", "learner1", "/"); // rides the Keycloak session: no form this time
    String second = browser.sessionCookie().orElseThrow();
    assertNotEquals(first, second);
    assertTrue(browser.get("/").body().contains("Signed in as"));

    Browser thief = new Browser(server);
    thief.setSessionCookie(first);
    assertFalse(thief.get("/").body().contains("Signed in as"), "the session before sign-in is gone");
  }

  @Test
  @Order(5)
  void aTamperedOrExpiredSessionCookieIsRefused() {
    Browser browser = new Browser(server);
    browser.signIn("learner2", "learner2", "/");
    String cookie = browser.sessionCookie().orElseThrow();

    Browser tampered = new Browser(server);
    tampered.setSessionCookie(cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("AA") ? "BB" : "AA"));
    HttpResponse<String> page = tampered.get("/");
    assertFalse(page.body().contains("Signed in as"));
    assertTrue(page.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("pocketlab_session=;")),
        "an unknown cookie is cleared");
    assertEquals(302, tampered.get("/people").statusCode());

    try (CloseableDSLContext db = db()) {
      db.update(WEB_SESSION).set(WEB_SESSION.LAST_SEEN_AT, OffsetDateTime.now().minusHours(3))
          .where(WEB_SESSION.USER_ID.in(db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq("learner2"))))
          .execute();
    }
    assertFalse(browser.get("/").body().contains("Signed in as"), "idle longer than the idle lifetime: signed out");
  }

  @Test
  @Order(6)
  void anExpiredAccessTokenIsRefreshedWhileKeycloakStillKnowsTheSession() {
    Browser browser = new Browser(server);
    browser.signIn("instructor1", "instructor1", "/");
    try (CloseableDSLContext db = db()) {
      expireAccessTokens(db, "instructor1");
      assertTrue(browser.get("/").body().contains("Signed in as <strong>Ines Instructor</strong>"));
      OffsetDateTime expires = accessExpiry(db, "instructor1");
      assertTrue(expires.isAfter(OffsetDateTime.now()), "a fresh access token was stored: " + expires);
    }
  }

  @Test
  @Order(7)
  void signOutEndsTheKeycloakSessionToo() {
    Browser browser = new Browser(server);
    Set<String> before = sessionIds("admin1");
    String page = browser.signIn("admin1", "admin1", "/").body();
    Set<String> ours = sessionIds("admin1");
    ours.removeAll(before);
    assertEquals(1, ours.size(), "signing in opened one Keycloak session");

    HttpResponse<String> out = browser.post("/auth/logout", Map.of("_csrf", Browser.csrfToken(page)));
    assertEquals(303, out.statusCode());
    String endSession = out.headers().firstValue("Location").orElseThrow();
    assertTrue(endSession.startsWith(keycloak.endSessionEndpoint()), endSession);
    assertTrue(endSession.contains("id_token_hint="), "Keycloak is told whose session to end");

    HttpResponse<String> atKeycloak = browser.get(endSession);
    assertEquals(302, atKeycloak.statusCode(), "Keycloak ends its session and sends the browser home");
    assertEquals(server.publicUrl() + "/", atKeycloak.headers().firstValue("Location").orElse(""));
    assertFalse(sessionIds("admin1").contains(ours.iterator().next()), "that Keycloak session has ended");
    assertFalse(browser.get("/").body().contains("Signed in as"));
  }

  @Test
  @Order(8)
  void keycloakEndingASessionEndsOursThroughTheBackChannel() throws Exception {
    keycloak.createUser("backchannel1", "backchannel1-pw");
    Browser laptop = new Browser(server);
    laptop.signIn("backchannel1", "backchannel1-pw", "/");
    Set<String> before = sessionIds("backchannel1");
    Browser phone = new Browser(server);
    phone.signIn("backchannel1", "backchannel1-pw", "/");
    Set<String> phoneSessions = sessionIds("backchannel1");
    phoneSessions.removeAll(before);
    assertEquals(1, phoneSessions.size(), "each browser has its own Keycloak session");

    keycloak.deleteSession(phoneSessions.iterator().next()); // an administrator ends the phone's session
    for (int i = 0; i < 50 && phone.get("/").body().contains("Signed in as"); i++) Thread.sleep(100);
    assertFalse(phone.get("/").body().contains("Signed in as"), "the back-channel logout ended that session");
    assertTrue(laptop.get("/").body().contains("Signed in as"), "and only that one");

    assertEquals(400, new Browser(server).post("/auth/backchannel-logout", Map.of("logout_token", "forged.token.x"))
        .statusCode(), "a forged logout token is refused");
  }

  private static Set<String> sessionIds(String username) {
    return keycloak.userSessions(username).stream().map(s -> (String) s.get("id"))
        .collect(Collectors.toCollection(HashSet::new));
  }

  @Test
  @Order(9)
  void returnAddressesStayOnThisSite() {
    Browser browser = new Browser(server);
    HttpResponse<String> page = browser.signIn("learner1", "learner1", "//evil.example/steal");
    assertTrue(page.body().contains("Courses"), "an off-site return address becomes the home page");
  }

  @Test
  @Order(10)
  void aCallbackWithAForeignStateIsRefused() {
    Browser browser = new Browser(server);
    browser.get("/auth/login?return=/");
    HttpResponse<String> forged = browser.get("/auth/callback?code=abc&state=not-the-state");
    assertEquals(400, forged.statusCode());
    assertTrue(forged.body().contains("This sign-in has expired"));
    HttpResponse<String> cancelled = browser.get("/auth/callback?error=access_denied&state=x");
    assertEquals(400, cancelled.statusCode());
    assertTrue(cancelled.body().contains("Sign-in did not complete"));
  }

  @Test
  @Order(20)
  void withKeycloakStoppedSignedInPeopleKeepWorkingAndSignInSaysItIsUnavailable() {
    Browser signedIn = new Browser(server);
    signedIn.signIn("learner1", "learner1", "/");
    keycloak.stop();
    try {
      assertTrue(signedIn.get(LESSON).body().contains("Signed in as <strong>Lea Learner</strong>"));
      try (CloseableDSLContext db = db()) {
        expireAccessTokens(db, "learner1"); // the refresh will fail to connect: keep the person signed in
      }
      assertTrue(signedIn.get(LESSON).body().contains("Signed in as <strong>Lea Learner</strong>"));

      HttpResponse<String> login = new Browser(server).get("/auth/login?return=/");
      assertEquals(503, login.statusCode());
      assertTrue(login.body().contains("Sign-in is unavailable"));
      assertEquals(200, new Browser(server).get(LESSON).statusCode(), "lessons still read");

      HttpResponse<String> ready = server.get("/health/ready");
      assertEquals(200, ready.statusCode(), "still ready: the database answers");
      JsonObject health = new JsonObject(ready.body());
      assertEquals("DEGRADED", health.getString("status"));
      assertEquals("DOWN", health.getJsonObject("checks").getJsonObject("oidc").getString("status"));
    } finally {
      keycloak.start();
    }
    assertTrue(new Browser(server).signIn("learner2", "learner2", "/").body().contains("Signed in as"),
        "sign-in works again once Keycloak is back");
  }

  private static void expireAccessTokens(DSLContext db, String username) {
    db.update(WEB_SESSION).set(WEB_SESSION.ACCESS_EXPIRES_AT, OffsetDateTime.now().minus(Duration.ofMinutes(1)))
        .where(WEB_SESSION.USER_ID.in(db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username))))
        .execute();
  }

  private static OffsetDateTime accessExpiry(DSLContext db, String username) {
    return db.select(DSL.max(WEB_SESSION.ACCESS_EXPIRES_AT)).from(WEB_SESSION)
        .where(WEB_SESSION.USER_ID.in(db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username))))
        .fetchOne(0, OffsetDateTime.class);
  }

  private static CloseableDSLContext db() {
    return DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password());
  }
}
