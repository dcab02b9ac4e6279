package org.pocketlab.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestServer;

/** What the settings change: no sign-in configured, and lessons that need signing in. */
class SignInSettingsTest {
  private static final String LESSON = "/courses/django-pocket-book/cards/1-what-is-django";

  @Test
  void withoutAnIssuerLessonsReadAndEverythingPersonalSaysSignInIsNotConfigured() {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> lesson = server.get(LESSON);
      assertEquals(200, lesson.statusCode());
      assertFalse(lesson.body().contains("Sign in"), "no sign-in link to nowhere");
      for (String path : new String[] {"/auth/login?return=/", "/people"}) {
        HttpResponse<String> page = server.get(path);
        assertEquals(503, page.statusCode(), path);
        assertTrue(page.body().contains("Sign-in is not configured"), path);
      }
      assertEquals("NOT_CONFIGURED", new io.vertx.core.json.JsonObject(server.get("/health/ready").body())
          .getJsonObject("checks").getJsonObject("oidc").getString("status"));
    }
  }

  @Test
  void privateLessonsNeedSigningIn() {
    try (TestServer server = TestServer.withKeycloak(Map.of("POCKETLAB_PUBLIC_LESSONS", "false"))) {
      HttpResponse<String> anonymous = server.get(LESSON);
      assertEquals(302, anonymous.statusCode());
      assertTrue(anonymous.headers().firstValue("Location").orElse("").startsWith("/auth/login?return="));
      assertEquals(302, server.get("/").statusCode());
      assertEquals(200, server.get("/assets/app.css").statusCode(), "assets stay public");
      assertEquals(200, server.get("/health/live").statusCode(), "probes stay public");

      HttpResponse<String> page = new Browser(server).signIn("learner1", "learner1", LESSON);
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("What is Django?"));
    }
  }
}
