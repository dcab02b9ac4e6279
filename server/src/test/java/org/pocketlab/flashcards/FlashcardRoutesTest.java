package org.pocketlab.flashcards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.FLASHCARD_ANSWER;
import static org.pocketlab.db.schema.Tables.FLASHCARD_MEMORY;

import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestServer;

/**
 * The flashcard pages over real HTTP, with sign-in through the real Keycloak and the schedule in the real
 * PostgreSQL: counts, grading, a retried grade counted once (and one progress event), CSRF, and clear 404s. Each test uses its own
 * learner, so the tests do not depend on each other's answers.
 */
class FlashcardRoutesTest {
  private static final String COURSE = "/courses/django-pocket-book";
  private static final String REVIEW = COURSE + "/review";
  private static final int DECK = 24; // cards 10, 20, 30, 40 (one question each) and card 50's twenty
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** A signed-in learner and the CSRF token of their session. */
  private record Learner(Browser browser, String csrf, String username) {
    static Learner signIn(String username) {
      Browser browser = new Browser(server);
      String csrf = Browser.csrfToken(browser.signIn(username, username, REVIEW).body());
      return new Learner(browser, csrf, username);
    }

    HttpResponse<String> get(String path, String... headers) {
      return browser.get(path, headers);
    }

    HttpResponse<String> grade(String path, String answerId, String grade) {
      Map<String, String> form = new HashMap<>();
      form.put("_csrf", csrf);
      form.put("answer", answerId);
      form.put("grade", grade);
      return browser.post(path, form);
    }
  }

  @Test
  void gradingSchedulesTheCardAndChangesTheCounts() {
    Learner learner = Learner.signIn("learner1");
    String page = learner.get(REVIEW).body();
    assertEquals(new Counts(0, DECK, 0, 0), counts(page));
    assertEquals("Card 10 · Q1", shown(page), "new cards come in reading order");
    assertTrue(page.contains("Is Django synchronous or asynchronous?"), "the question is on the page");
    assertTrue(page.contains("<details class=\"flashcard-reveal\">"), "the answer waits behind a reveal");
    assertTrue(page.contains(">10 min<") && page.contains(">16 days<"), "each grade says when the card returns");

    HttpResponse<String> graded = learner.grade(REVIEW + "/10/1", answerId(page), "good");
    assertEquals(303, graded.statusCode(), graded.body());
    String location = graded.headers().firstValue("Location").orElseThrow();
    assertEquals(REVIEW + "?after=" + answerId(page), location);

    String after = learner.get(location).body();
    assertEquals(new Counts(0, DECK - 1, 1, 0), counts(after), "Good on a new card: a learning step of 10 minutes");
    assertTrue(after.contains("Card 10 · Q1: Good — back in 10 min."), after);
    assertEquals("Card 20 · Q1", shown(after));
    String card10 = learner.get(REVIEW + "?card=10").body();
    assertTrue(card10.contains("Nothing to review right now"), "card 10's only question waits for its next step");
    assertTrue(card10.matches("(?s).*The next card comes back in \\d+ min\\..*"), card10);

    HttpResponse<String> easy = learner.grade(REVIEW + "/20/1", answerId(after), "easy");
    assertEquals(303, easy.statusCode());
    assertEquals(new Counts(0, DECK - 2, 1, 1), counts(learner.get(REVIEW).body()), "Easy graduates at once");
    assertTrue(learner.get(REVIEW + "/summary").body().contains("(22 new)"));

    try (CloseableDSLContext db = db()) {
      var memory = db.selectFrom(FLASHCARD_MEMORY).where(FLASHCARD_MEMORY.USER_ID.eq(userId(db, "learner1")),
          FLASHCARD_MEMORY.CARD_NUMBER.eq(20)).fetchSingle();
      assertEquals("review", memory.getPhase());
      assertEquals(15.69105, memory.getStability(), 1e-9, "FSRS-5's initial stability for Easy");
      assertTrue(memory.getDueAt().isAfter(OffsetDateTime.now().plusDays(15)), "due in 16 days");
    }
  }

  @Test
  void dueCardsComeBeforeNewOnes() {
    Learner learner = Learner.signIn("learner2");
    String page = learner.get(REVIEW + "/50/7").body();
    assertEquals("Card 50 · Q7", shown(page), "any flashcard can be opened by its address");
    assertEquals(303, learner.grade(REVIEW + "/50/7", answerId(page), "hard").statusCode());
    assertEquals(new Counts(0, DECK - 1, 1, 0), counts(learner.get(REVIEW).body()));

    try (CloseableDSLContext db = db()) { // ten minutes pass
      db.update(FLASHCARD_MEMORY).set(FLASHCARD_MEMORY.DUE_AT, OffsetDateTime.now().minusMinutes(1))
          .where(FLASHCARD_MEMORY.USER_ID.eq(userId(db, "learner2"))).execute();
    }
    String due = learner.get(REVIEW).body();
    assertEquals(new Counts(1, DECK - 1, 0, 0), counts(due));
    assertEquals("Card 50 · Q7", shown(due), "the due card first");
    assertTrue(learner.get(REVIEW + "/summary").body().contains("(1 due · 23 new)"));

    String onlyCard50 = learner.get(REVIEW + "?card=50").body();
    assertEquals(new Counts(1, 19, 0, 0), counts(onlyCard50), "one card's questions only");
    assertTrue(onlyCard50.contains("name=\"from\" value=\"50\""));
  }

  @Test
  void aRetriedGradeCountsOnce() {
    Learner learner = Learner.signIn("instructor1");
    String page = learner.get(REVIEW + "/50/3").body();
    String id = answerId(page);
    HttpResponse<String> first = learner.grade(REVIEW + "/50/3", id, "good");
    HttpResponse<String> retry = learner.grade(REVIEW + "/50/3", id, "again");
    assertEquals(303, first.statusCode());
    assertEquals(303, retry.statusCode(), "a retry is answered like the first request");
    assertEquals(first.headers().firstValue("Location"), retry.headers().firstValue("Location"));
    assertTrue(learner.get(retry.headers().firstValue("Location").orElseThrow()).body()
        .contains("Card 50 · Q3: Good — back in 10 min."), "the first grade stands");

    try (CloseableDSLContext db = db()) {
      UUID user = userId(db, "instructor1");
      assertEquals(1, db.fetchCount(FLASHCARD_ANSWER, FLASHCARD_ANSWER.USER_ID.eq(user)));
      assertEquals(1, db.selectFrom(FLASHCARD_MEMORY).where(FLASHCARD_MEMORY.USER_ID.eq(user)).fetchSingle().getReps());
      var events = db.fetch("SELECT id, card_number, kind, detail->>'item' AS item, detail->>'grade' AS grade, "
          + "detail->>'nextDue' AS next_due FROM progress_event WHERE user_id = ?", user);
      assertEquals(1, events.size(), "one progress event for the grade and its retry: " + events);
      var event = events.get(0);
      assertEquals(UUID.fromString(id), event.get("id", UUID.class), "the event carries the answer's id");
      assertEquals(50, event.get("card_number", Integer.class));
      assertEquals("FLASHCARD_ANSWERED", event.get("kind", String.class));
      assertEquals("3", event.get("item", String.class));
      assertEquals("good", event.get("grade", String.class));
      assertTrue(java.time.Instant.parse(event.get("next_due", String.class)).isAfter(java.time.Instant.now()));
    }
    assertEquals(new Counts(0, DECK - 1, 1, 0), counts(learner.get(REVIEW).body()));

    HttpResponse<String> otherCard = learner.grade(REVIEW + "/50/4", id, "good");
    assertEquals(409, otherCard.statusCode(), "an id already used for another card is refused");
    assertTrue(otherCard.body().contains("Reload the page"), otherCard.body());

    HttpResponse<String> htmx = learner.browser().post(REVIEW + "/50/4",
        Map.of("answer", UUID.randomUUID().toString(), "grade", "easy"),
        "X-CSRF-Token", learner.csrf(), "HX-Request", "true");
    assertEquals(303, htmx.statusCode(), "HTMX sends the token as a header; the redirect is followed by the browser");
    String partial = learner.get(htmx.headers().firstValue("Location").orElseThrow(), "HX-Request", "true").body();
    assertFalse(partial.startsWith("<!doctype"), "a boosted request gets the main area only");
    assertTrue(partial.contains("Card 50 · Q4: Easy — back in 16 days."), partial);
  }

  @Test
  void gradingNeedsTheCsrfToken() {
    Learner learner = Learner.signIn("admin1");
    String id = answerId(learner.get(REVIEW).body());
    HttpResponse<String> noToken = learner.browser().post(REVIEW + "/10/1", Map.of("answer", id, "grade", "good"));
    assertEquals(403, noToken.statusCode());
    HttpResponse<String> wrongToken = learner.browser().post(REVIEW + "/10/1",
        Map.of("_csrf", "x".repeat(43), "answer", id, "grade", "good"));
    assertEquals(403, wrongToken.statusCode());
    HttpResponse<String> otherSite = learner.browser().post(REVIEW + "/10/1",
        Map.of("_csrf", learner.csrf(), "answer", id, "grade", "good"), "Origin", "https://evil.example");
    assertEquals(403, otherSite.statusCode());
    try (CloseableDSLContext db = db()) {
      assertEquals(0, db.fetchCount(FLASHCARD_ANSWER, FLASHCARD_ANSWER.ID.eq(UUID.fromString(id))), "nothing recorded");
    }
  }

  @Test
  void unknownCardsItemsAndBadFormsGetClearErrors() {
    Learner learner = Learner.signIn("learner1");
    String id = UUID.randomUUID().toString();
    HttpResponse<String> noItem = learner.get(REVIEW + "/50/21");
    assertEquals(404, noItem.statusCode());
    assertTrue(noItem.body().contains("Card 50 has no question 21 to practise"), noItem.body());
    assertEquals(404, learner.get(REVIEW + "/11/1").statusCode(), "a lesson card has no flashcards");
    assertEquals(404, learner.get(REVIEW + "/abc/1").statusCode());
    assertEquals(404, learner.grade(REVIEW + "/99/1", id, "good").statusCode());
    assertEquals(404, learner.grade(REVIEW + "/10/2", id, "good").statusCode());
    assertEquals(404, learner.get(REVIEW + "?card=11").statusCode());
    assertEquals(404, learner.get("/courses/no-such-course/review").statusCode());

    HttpResponse<String> noGrade = learner.grade(REVIEW + "/10/1", id, "perfect");
    assertEquals(400, noGrade.statusCode());
    assertTrue(noGrade.body().contains("again, hard, good or easy"), noGrade.body());
    assertEquals(400, learner.grade(REVIEW + "/10/1", "not-a-uuid", "good").statusCode());
    assertFalse(noGrade.body().contains("Exception"), "no stack trace for the learner");
  }

  @Test
  void signInIsRequiredAndPagesLinkToTheFlashcards() {
    Browser anonymous = new Browser(server);
    HttpResponse<String> review = anonymous.get(REVIEW);
    assertEquals(302, review.statusCode());
    assertTrue(review.headers().firstValue("Location").orElseThrow().startsWith("/auth/login?return="));
    assertEquals(204, anonymous.get(REVIEW + "/summary").statusCode(), "the menu shows nothing to strangers");
    assertEquals(403, anonymous.post(REVIEW + "/10/1", Map.of("grade", "good")).statusCode());

    String qaCard = anonymous.get(COURSE + "/cards/50-interview-qa-20-practical-questions-expanded").body();
    assertTrue(qaCard.contains("href=\"" + REVIEW + "?card=50\">Practise as flashcards</a>"), "Q&A cards offer practice");
    String lesson = anonymous.get(COURSE + "/cards/11-urlconf-routing").body();
    assertFalse(lesson.contains("Practise as flashcards"));
    assertTrue(lesson.contains("hx-get=\"" + REVIEW + "/summary\""), "the course menu loads the review link");
    assertFalse(anonymous.get(COURSE).body().contains("flashcards-entry"));

    Learner learner = Learner.signIn("learner2");
    assertTrue(learner.get(COURSE).body().contains("href=\"" + REVIEW + "\">Review flashcards</a>"),
        "the course home offers the review page (without JavaScript too)");
    String summary = learner.get(REVIEW + "/summary").body();
    assertTrue(summary.matches("(?s)<a class=\"review-link\" href=\"" + REVIEW + "\".*>Review <span class=\"review-count\">\\(.*new\\)</span></a>\\s*"),
        summary);
  }

  private static Counts counts(String page) {
    return new Counts(count(page, "due"), count(page, "new"), count(page, "learning"), count(page, "learned"));
  }

  private static int count(String page, String id) {
    Matcher m = Pattern.compile("id=\"count-" + id + "\">(\\d+)<").matcher(page);
    assertTrue(m.find(), "the page shows the " + id + " count");
    return Integer.parseInt(m.group(1));
  }

  private static String shown(String page) {
    Matcher m = Pattern.compile("data-flashcard=\"([^\"]+)\"").matcher(page);
    assertTrue(m.find(), "a flashcard is shown");
    return m.group(1);
  }

  private static String answerId(String page) {
    Matcher m = Pattern.compile("name=\"answer\" value=\"([0-9a-f-]{36})\"").matcher(page);
    assertTrue(m.find(), "the grade form carries an answer id");
    return m.group(1);
  }

  private static UUID userId(CloseableDSLContext db, String username) {
    return db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchSingle().value1();
  }

  private static CloseableDSLContext db() {
    return DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password());
  }
}
