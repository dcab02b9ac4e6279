package org.pocketlab.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.CARD_PROGRESS;
import static org.pocketlab.db.schema.Tables.DAILY_ACTIVITY;
import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.Problem;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestKeycloak;
import org.pocketlab.testsupport.TestServer;

/**
 * Progress events and the statuses derived from them, seen where learners see them: the lesson badge, the
 * course home's badges, section progress and "continue where you left off". Real PostgreSQL, real sign-in.
 */
class ProgressTest {
  private static final String COURSE = "django-pocket-book";
  private static final String HOME = "/courses/" + COURSE;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private record Learner(Browser browser, UUID id) {}

  /** A fresh learner of the shared realm, signed in once (so that they exist here). */
  private static Learner newLearner(String name) {
    String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    TestKeycloak.get().createUser(username, "pw-" + username);
    Browser browser = new Browser(server);
    browser.signIn(username, "pw-" + username, "/");
    try (CloseableDSLContext db = db()) {
      return new Learner(browser,
          db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchSingle().value1());
    }
  }

  private static CloseableDSLContext db() {
    return DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password());
  }

  private static boolean record(UUID person, int card, EventKind kind, JsonObject detail) {
    return record(new ProgressEvent(UUID.randomUUID(), person, COURSE, card, kind, detail));
  }

  private static boolean record(ProgressEvent event) {
    try {
      return server.server().progress().record(event).await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private static String badge(String status) {
    return "<span class=\"status status-" + status.replace(' ', '-') + "\">";
  }

  @Test
  void openingACardMarksItViewedOncePerDay() {
    Learner learner = newLearner("viewer");
    UUID person = learner.id();
    String lesson = learner.browser().get(HOME + "/cards/12-models-orm-essentials").body();
    assertTrue(lesson.contains("Your progress: " + badge("viewed")), "the badge says viewed");
    learner.browser().get(HOME + "/cards/12-models-orm-essentials", "HX-Request", "true");
    learner.browser().get(HOME + "/cards/12");
    try (CloseableDSLContext db = db()) {
      assertEquals(1, db.fetchCount(PROGRESS_EVENT, PROGRESS_EVENT.USER_ID.eq(person)),
          "reloads and boosted navigation on the same day are one VIEWED event");
      assertEquals(1, db.fetchSingle(DAILY_ACTIVITY, DAILY_ACTIVITY.USER_ID.eq(person)).getEvents());
    }
    String home = learner.browser().get(HOME).body();
    assertTrue(home.contains("Continue where you left off: 12. Models &amp; ORM Essentials"), "continue link");
    assertTrue(home.contains("0 of 10 done · 0 practised · 1 viewed"), "section 2 progress");
    assertTrue(home.contains("0 of 10 done · 0 practised · 0 viewed"), "other sections untouched");

    String anonymous = new Browser(server).get(HOME + "/cards/13-views-httpresponse").body();
    assertFalse(anonymous.contains("Your progress"), "no badge for readers who are not signed in");
    assertTrue(new Browser(server).get(HOME).body().contains("Start with card 1"));
  }

  @Test
  void eventsDecideEachCardsStatus() {
    Learner learner = newLearner("doer");
    UUID person = learner.id();
    record(person, 3, EventKind.VIEWED, null);
    record(person, 4, EventKind.EXAMPLE_RUN, new JsonObject().put("example", 1).put("exitCode", 1).put("outcome", "exited"));
    record(person, 5, EventKind.CHECK_FAILED, null);
    record(person, 5, EventKind.CHECK_PASSED, null);
    record(person, 5, EventKind.VIEWED, null); // viewing a done card again does not undo it
    record(person, 10, EventKind.FLASHCARD_ANSWERED, new JsonObject().put("grade", "good"));
    record(person, 11, EventKind.CHECK_PASSED, null);
    record(person, 2, EventKind.EXAMPLE_RUN, new JsonObject().put("example", 1).put("exitCode", 0).put("outcome", "exited"));

    String home = learner.browser().get(HOME).body();
    assertEquals("not started", statusOf(home, 1));
    assertEquals("practised", statusOf(home, 2), "a run, even a green one, is practice");
    assertEquals("viewed", statusOf(home, 3));
    assertEquals("practised", statusOf(home, 4), "a failed run is practice too");
    assertEquals("done", statusOf(home, 5), "a passed check is done, whatever came after");
    assertEquals("practised", statusOf(home, 10), "answering a flashcard is practice");
    assertEquals("done", statusOf(home, 11));
    assertTrue(home.contains("1 of 10 done · 3 practised · 1 viewed"), "section 1");
    assertTrue(home.contains("1 of 10 done · 0 practised · 0 viewed"), "section 2");
    assertTrue(home.contains("Continue where you left off: 2. "), "the card touched last, not done: " +
        home.replaceAll("(?s).*(Continue[^<]*).*", "$1"));
    assertTrue(learner.browser().get(HOME + "/cards/5-django-vs-flask-fastapi").body().contains("Your progress: " + badge("done")));

    try (CloseableDSLContext db = db()) {
      var card4 = db.fetchSingle(CARD_PROGRESS, CARD_PROGRESS.USER_ID.eq(person), CARD_PROGRESS.CARD_NUMBER.eq(4));
      assertEquals(1, card4.getFailures(), "a non-zero exit is a failure");
      var card2 = db.fetchSingle(CARD_PROGRESS, CARD_PROGRESS.USER_ID.eq(person), CARD_PROGRESS.CARD_NUMBER.eq(2));
      assertEquals(0, card2.getFailures());
      assertEquals(4, db.fetchSingle(CARD_PROGRESS, CARD_PROGRESS.USER_ID.eq(person), CARD_PROGRESS.CARD_NUMBER.eq(5))
          .getEvents(), "three recorded here, and opening the lesson");
    }
  }

  @Test
  void continueSkipsToTheNextCardNotDoneAfterADoneOne() {
    Learner learner = newLearner("finisher");
    UUID person = learner.id();
    record(person, 21, EventKind.CHECK_PASSED, null);
    record(person, 22, EventKind.CHECK_PASSED, null);
    record(person, 20, EventKind.CHECK_PASSED, null);
    assertTrue(learner.browser().get(HOME).body().contains("Continue where you left off: 23. "),
        "card 20 was touched last and is done, so are 21 and 22: " +
        learner.browser().get(HOME).body().replaceAll("(?s).*(Continue[^<]*).*", "$1"));
  }

  @Test
  void aRetriedEventCountsOnce() throws Exception {
    Learner learner = newLearner("retrier");
    UUID person = learner.id();
    ProgressEvent event = new ProgressEvent(UUID.randomUUID(), person, COURSE, 7, EventKind.CHECK_FAILED,
        new JsonObject().put("attempt", 1));
    assertTrue(record(event), "new");
    assertFalse(record(event), "the same id again is a retry");
    ProgressEvent racing = new ProgressEvent(UUID.randomUUID(), person, COURSE, 8, EventKind.EXAMPLE_RUN,
        new JsonObject().put("exitCode", 2).put("outcome", "exited"));
    List<Future<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) attempts.add(server.server().progress().record(racing));
    int inserted = 0;
    for (Future<Boolean> attempt : attempts) if (attempt.await(20, TimeUnit.SECONDS)) inserted++;
    assertEquals(1, inserted, "concurrent retries: exactly one records the event");
    try (CloseableDSLContext db = db()) {
      assertEquals(2, db.fetchCount(PROGRESS_EVENT, PROGRESS_EVENT.USER_ID.eq(person)));
      var card7 = db.fetchSingle(CARD_PROGRESS, CARD_PROGRESS.USER_ID.eq(person), CARD_PROGRESS.CARD_NUMBER.eq(7));
      assertEquals(1, card7.getEvents());
      assertEquals(1, card7.getFailures());
      var card8 = db.fetchSingle(CARD_PROGRESS, CARD_PROGRESS.USER_ID.eq(person), CARD_PROGRESS.CARD_NUMBER.eq(8));
      assertEquals(1, card8.getEvents());
      assertEquals(2, db.fetchSingle(DAILY_ACTIVITY, DAILY_ACTIVITY.USER_ID.eq(person)).getEvents(),
          "two events today");
    }
  }

  @Test
  void anEventOnACardThatDoesNotExistIsRefused() {
    Learner learner = newLearner("lost");
    UUID person = learner.id();
    Problem refused = org.junit.jupiter.api.Assertions.assertThrows(Problem.class,
        () -> record(person, 999, EventKind.VIEWED, null));
    assertEquals(404, refused.status());
  }

  /** The status word in the badge of card {@code number} on the course home. */
  private static String statusOf(String home, int number) {
    int at = home.indexOf("<span class=\"card-num\">" + number + "</span>");
    assertTrue(at >= 0, "card " + number + " is listed");
    String rest = home.substring(at, home.indexOf("</a>", at));
    return rest.replaceAll("(?s).*<span class=\"status status-[a-z-]+\"><span aria-hidden=\"true\">[^<]*</span> ([^<]+)</span>.*",
        "$1");
  }
}
