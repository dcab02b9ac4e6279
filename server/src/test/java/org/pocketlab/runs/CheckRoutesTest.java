package org.pocketlab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TerminalClient;
import org.pocketlab.testsupport.TestServer;

/**
 * The Check button over real HTTP: the exercise's check runs in the learner's real sandbox and judges their
 * own files; the page gets an HTML fragment, other clients JSON; every result is a progress event.
 */
class CheckRoutesTest {
  private static final String COURSE = "/courses/django-pocket-book";
  /** Card 9's exercise: a .python-version naming the sandbox's Python. */
  private static final String CARD = "9-pyenv-multi-version-dev";
  private static TestServer server;
  private static Browser learner;
  private static String csrf;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak();
    learner = new Browser(server);
    csrf = Browser.csrfToken(learner.signIn("learner1", "learner1", "/").body());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static HttpResponse<String> check(String card, String... headers) {
    return learner.post(COURSE + "/cards/" + card + "/check", Map.of(), headers);
  }

  @Test
  void aCheckJudgesTheLearnersOwnWorkAndRecordsProgress() throws Exception {
    HttpResponse<String> failed = check(CARD, "X-CSRF-Token", csrf);
    assertEquals(200, failed.statusCode(), failed.body());
    JsonObject notYet = new JsonObject(failed.body());
    assertFalse(notYet.getBoolean("passed"));
    assertEquals("There is no .python-version in your workspace.", notYet.getString("reason"));
    assertEquals(1, notYet.getJsonObject("exit").getInteger("code"));

    HttpResponse<String> fragment = check(CARD, "X-CSRF-Token", csrf, "HX-Request", "true");
    assertEquals(200, fragment.statusCode());
    assertTrue(fragment.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(fragment.body().contains("data-result=\"fail\""), fragment.body());
    assertTrue(fragment.body().contains("Not yet.") && fragment.body().contains("There is no .python-version"),
        fragment.body());

    // The learner does the exercise in their terminal, then checks again.
    String session = learner.sessionCookie().orElseThrow();
    try (TerminalClient terminal = TerminalClient.connect(server, "django-pocket-book", session, server.publicUrl())) {
      terminal.waitForReady();
      terminal.type("python -c 'import platform; print(platform.python_version())' > .python-version; echo made-$((3+4))\r");
      terminal.waitForScreen("made-7");
    }
    JsonObject passed = new JsonObject(check(CARD, "X-CSRF-Token", csrf).body());
    assertTrue(passed.getBoolean("passed"), passed.encodePrettily());
    assertTrue(passed.getString("reason").startsWith(".python-version names Python 3."), passed.getString("reason"));
    String passedFragment = check(CARD, "X-CSRF-Token", csrf, "HX-Request", "true").body();
    assertTrue(passedFragment.contains("data-result=\"pass\"") && passedFragment.contains("Passed."), passedFragment);

    try (CloseableDSLContext db = DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password())) {
      List<String> kinds = db.select(PROGRESS_EVENT.KIND).from(PROGRESS_EVENT)
          .join(APP_USER).on(APP_USER.ID.eq(PROGRESS_EVENT.USER_ID))
          .where(APP_USER.USERNAME.eq("learner1")).and(PROGRESS_EVENT.CARD_NUMBER.eq(9))
          .orderBy(PROGRESS_EVENT.RECORDED_AT)
          .fetch(PROGRESS_EVENT.KIND);
      assertEquals(List.of("CHECK_FAILED", "CHECK_FAILED", "CHECK_PASSED", "CHECK_PASSED"), kinds);
    }
  }

  @Test
  void checksNeedASignedInLearnerTheCsrfTokenAndAnExercise() {
    assertEquals(403, check(CARD).statusCode(), "no CSRF token");
    HttpResponse<String> anonymous = new Browser(server).post(COURSE + "/cards/" + CARD + "/check", Map.of(),
        "X-CSRF-Token", "x");
    assertEquals(403, anonymous.statusCode());
    HttpResponse<String> nowhere = check("99-nope", "X-CSRF-Token", csrf);
    assertEquals(404, nowhere.statusCode());
    assertEquals("This card has no exercise to check.", new JsonObject(nowhere.body()).getString("error"));
  }

  @Test
  void aCheckWaitsItsTurnBehindARun() throws Exception {
    HttpRequest run = HttpRequest.newBuilder(URI.create(server.url(
            COURSE + "/cards/2-why-django-core-strengths-tradeoffs/examples/1/run")))
        .timeout(Duration.ofSeconds(60)).header("X-CSRF-Token", csrf)
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<java.io.InputStream> going = learner.client().send(run, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, going.statusCode());
    HttpResponse<String> refused = check(CARD, "X-CSRF-Token", csrf);
    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(new JsonObject(refused.body()).getString("error").contains("already going"));
    String inPlace = check(CARD, "X-CSRF-Token", csrf, "HX-Request", "true").body();
    assertTrue(inPlace.contains("data-result=\"error\"") && inPlace.contains("already going"), inPlace);
    going.body().close(); // cancels the run
    // The turn comes back once the run has ended (checked on card 1, so that card 9's record stays as it is).
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (check("1-what-is-django", "X-CSRF-Token", csrf).statusCode() == 409) {
      assertTrue(System.nanoTime() < until, "the run did not end after being cancelled");
      Thread.sleep(100);
    }
  }

  @Test
  void aRunWaitsItsTurnBehindACheckAndSaysSo() throws Exception {
    String session = learner.sessionCookie().orElseThrow();
    try (TerminalClient terminal = TerminalClient.connect(server, "django-pocket-book", session, server.publicUrl())) {
      terminal.waitForReady();
      // Card 1's check sets Django up, so a slow settings module makes a check that lasts a few seconds.
      terminal.type("echo 'import time; time.sleep(4)  # slow-check' >> config/settings.py; echo slowed-$((2+3))\r");
      terminal.waitForScreen("slowed-5");
      try {
        HttpRequest checkRequest = HttpRequest.newBuilder(URI.create(server.url(
                COURSE + "/cards/1-what-is-django/check")))
            .timeout(Duration.ofSeconds(60)).header("X-CSRF-Token", csrf)
            .POST(HttpRequest.BodyPublishers.noBody()).build();
        var checking = learner.client().sendAsync(checkRequest, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1500);
        HttpResponse<String> refused = learner.post(
            COURSE + "/cards/2-why-django-core-strengths-tradeoffs/examples/1/run", Map.of(), "X-CSRF-Token", csrf);
        assertEquals(409, refused.statusCode(), refused.body());
        assertEquals("A check is already going in your sandbox. Wait for it to finish or cancel it, then run again.",
            new JsonObject(refused.body()).getString("error"));
        assertEquals(200, checking.get(60, TimeUnit.SECONDS).statusCode());
      } finally {
        terminal.type("sed -i '/# slow-check/d' config/settings.py; echo restored-$((3+3))\r");
        terminal.waitForScreen("restored-6");
      }
    }
  }

  @Test
  void theLessonOffersTheExerciseAndItsCheckButton() {
    String page = learner.get(COURSE + "/cards/" + CARD).body();
    assertTrue(page.contains("id=\"exercise\""), "the exercise section");
    assertTrue(page.contains(".python-version"), "the task text");
    assertTrue(page.contains("hx-post=\"" + COURSE + "/cards/" + CARD + "/check\""), "the Check button posts here");
    String qa = learner.get(COURSE + "/cards/10-qa-is-django-synchronous-or-asynchronous").body();
    assertTrue(qa.contains("id=\"exercise\""), "Q&A cards have an exercise too");
  }
}
