package org.pocketlab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.EXAMPLE_RUN;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestServer;

/** Run buttons over real HTTP: recipes run in the learner's real sandbox, stream, and are recorded. */
class RunRoutesTest {
  private static final String COURSE = "/courses/django-pocket-book";
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

  record Run(int status, List<JsonObject> lines, String body) {
    String output() {
      StringBuilder out = new StringBuilder();
      lines.stream().filter(l -> l.containsKey("out")).forEach(l -> out.append(l.getString("out")));
      return out.toString();
    }

    JsonObject exit() {
      return lines.stream().filter(l -> l.containsKey("exit")).findFirst().orElseThrow().getJsonObject("exit");
    }
  }

  private static Run run(String cardPath, int example) {
    HttpResponse<String> response = learner.post(COURSE + "/cards/" + cardPath + "/examples/" + example + "/run",
        Map.of(), "X-CSRF-Token", csrf);
    List<JsonObject> lines = response.statusCode() == 200
        ? response.body().lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList()
        : List.of();
    return new Run(response.statusCode(), lines, response.body());
  }

  @Test
  void runStreamsTheOutputAndTheExitStatusAndIsRecorded() {
    Run run = run("1-what-is-django", 1);
    assertEquals(200, run.status(), run.body());
    assertTrue(run.output().contains("$ python -V"), "commands are echoed: " + run.output());
    assertTrue(run.output().matches("(?s).*Python 3\\.\\d+.*"), run.output());
    assertTrue(run.output().matches("(?s).*\\n3\\.2\\.\\d+.*"), "Django's version: " + run.output());
    assertEquals(0, run.exit().getInteger("code"));
    assertEquals("exited", run.exit().getString("reason"));
    assertNotNull(run.exit().getLong("ms"));

    try (CloseableDSLContext db = DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password())) {
      var recorded = db.select(EXAMPLE_RUN.CARD_NUMBER, EXAMPLE_RUN.EXAMPLE_INDEX, EXAMPLE_RUN.EXIT_CODE, EXAMPLE_RUN.OUTCOME)
          .from(EXAMPLE_RUN).join(APP_USER).on(APP_USER.ID.eq(EXAMPLE_RUN.USER_ID))
          .where(APP_USER.USERNAME.eq("learner1")).and(EXAMPLE_RUN.CARD_NUMBER.eq(1))
          .fetch();
      assertTrue(recorded.stream().anyMatch(r -> r.value3() == 0 && "exited".equals(r.value4()) && r.value2() == 1),
          recorded.toString());
    }
  }

  /** Every Section 1 recipe runs green in a real sandbox. */
  @ParameterizedTest
  @ValueSource(strings = {"1-what-is-django:1", "2-why-django-core-strengths-tradeoffs:1",
      "3-request-response-lifecycle-mental-model:1", "4-wsgi-vs-asgi:1", "5-django-vs-flask-fastapi:1",
      "5-django-vs-flask-fastapi:2", "6-pip-venv-poetry:1", "7-settings-py-env-config:1", "8-lts-vs-latest:1",
      "9-pyenv-multi-version-dev:1"})
  void sectionOneRecipesRunGreen(String cardAndExample) {
    String[] parts = cardAndExample.split(":");
    Run run = run(parts[0], Integer.parseInt(parts[1]));
    assertEquals(200, run.status(), run.body());
    assertEquals(0, run.exit().getInteger("code"), run.output());
  }

  @Test
  void theLifecycleExampleAnswersThroughDjangosTestClient() {
    Run run = run("3-request-response-lifecycle-mental-model", 1);
    assertTrue(run.output().contains("wrote core/views.py, config/urls.py"), run.output());
    assertTrue(run.output().contains("200 {\"ok\": true}"), run.output());
  }

  @Test
  void oneRunAtATimeAndCancellingIsRecorded() throws Exception {
    String url = server.url(COURSE + "/cards/2-why-django-core-strengths-tradeoffs/examples/1/run");
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody()).build();
    CompletableFuture<HttpResponse<java.io.InputStream>> first =
        learner.client().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<java.io.InputStream> firstResponse = first.get();
    assertEquals(200, firstResponse.statusCode());

    Run second = run("1-what-is-django", 1);
    assertEquals(409, second.status(), second.body());
    assertTrue(new JsonObject(second.body()).getString("error").contains("already going"));

    firstResponse.body().close(); // the learner cancels: the request goes away
    waitUntil(() -> run("1-what-is-django", 1).status() == 200);
    try (CloseableDSLContext db = DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password())) {
      waitUntil(() -> db.fetchExists(EXAMPLE_RUN, EXAMPLE_RUN.CARD_NUMBER.eq(2).and(EXAMPLE_RUN.OUTCOME.eq("cancelled"))));
    }
  }

  @Test
  void resetRestoresTheStarterProject() {
    Run changed = run("5-django-vs-flask-fastapi", 2); // appends rest_framework to config/settings.py
    assertTrue(changed.output().contains("INSTALLED_APPS += [\"rest_framework\"]"), changed.output());
    HttpResponse<String> reset = learner.post(COURSE + "/sandbox/reset", Map.of(), "X-CSRF-Token", csrf);
    assertEquals(200, reset.statusCode(), reset.body());
    assertEquals(403, learner.post(COURSE + "/sandbox/reset", Map.of()).statusCode(), "needs the CSRF token");
    Run after = run("4-wsgi-vs-asgi", 1);
    assertEquals(0, after.exit().getInteger("code"), after.output());
    Run again = run("5-django-vs-flask-fastapi", 2);
    assertTrue(again.output().contains("$ printf"),
        "the starter settings came back, so the line had to be added again: " + again.output());
  }

  @Test
  void badRequestsAreRefusedClearly() {
    assertEquals(404, run("1-what-is-django", 7).status(), "no such example");
    assertEquals(404, run("10-qa-is-django-synchronous-or-asynchronous", 1).status(), "nothing to run");
    assertEquals(404, run("99-nope", 1).status());
    assertEquals(403, learner.post(COURSE + "/cards/1-what-is-django/examples/1/run", Map.of()).statusCode(),
        "no CSRF token");
    HttpResponse<String> anonymous = new Browser(server).post(COURSE + "/cards/1-what-is-django/examples/1/run",
        Map.of(), "X-CSRF-Token", "x");
    assertEquals(403, anonymous.statusCode());
  }

  @Test
  void runnableExamplesCarryTheirRunAddressOnThePage() {
    String page = learner.get(COURSE + "/cards/5-django-vs-flask-fastapi").body();
    assertTrue(page.contains("data-run-url=\"" + COURSE + "/cards/5-django-vs-flask-fastapi/examples/2/run\""));
    assertTrue(page.contains("data-terminal-url=\"" + COURSE + "/terminal\""), "signed in: the terminal is offered");
    String anonymous = new Browser(server).get(COURSE + "/cards/5-django-vs-flask-fastapi").body();
    assertTrue(!anonymous.contains("data-terminal-url"), "not signed in: no terminal");
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) throw new AssertionError("condition not met in 20 s");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
