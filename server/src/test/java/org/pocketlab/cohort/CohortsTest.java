package org.pocketlab.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.db.DbSettings;
import org.pocketlab.progress.EventKind;
import org.pocketlab.progress.ProgressEvent;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestKeycloak;
import org.pocketlab.testsupport.TestServer;

/**
 * Cohorts over HTTP with real sign-in: creating one, joining by link, managing people, who may open what
 * (ids guessed or not), the dashboard, a learner's timeline and the CSV exports.
 */
class CohortsTest {
  private static final String COURSE = "django-pocket-book";
  private static final Pattern COHORT_PATH = Pattern.compile("/cohorts/([0-9a-f-]{36})");
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  record User(Browser browser, String username, UUID id, String csrf) {}

  static User signIn(TestServer server, String username, String password) {
    return signIn(server, server.db(), username, password);
  }

  /** Signs in on {@code server}, whose database is {@code database} (a replica shares another's). */
  static User signIn(TestServer server, DbSettings database, String username, String password) {
    Browser browser = new Browser(server);
    String csrf = Browser.csrfToken(browser.signIn(username, password, "/").body());
    try (CloseableDSLContext db = DSL.using(database.jdbcUrl(), database.user(), database.password())) {
      UUID id = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchSingle().value1();
      return new User(browser, username, id, csrf);
    }
  }

  static User newUser(TestServer server, String prefix, String... roles) {
    return newUser(server, server.db(), prefix, roles);
  }

  static User newUser(TestServer server, DbSettings database, String prefix, String... roles) {
    String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    TestKeycloak.get().createUser(username, "pw-" + username, roles);
    return signIn(server, database, username, "pw-" + username);
  }

  /** Creates a cohort through the form; returns its path, /cohorts/{id}. */
  static String createCohort(User instructor, String name) {
    HttpResponse<String> created = instructor.browser().post("/cohorts",
        Map.of("_csrf", instructor.csrf(), "name", name, "course", COURSE, "starts", "2025-01-06", "ends", ""));
    assertEquals(303, created.statusCode(), created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    assertTrue(COHORT_PATH.matcher(location).matches(), location);
    return location;
  }

  static String joinCode(User instructor, String cohortPath) {
    Matcher code = Pattern.compile("class=\"join-code\">([A-Z0-9]{8})<").matcher(instructor.browser().get(cohortPath).body());
    assertTrue(code.find(), "the dashboard shows the join code");
    return code.group(1);
  }

  static void join(User learner, String code) {
    HttpResponse<String> page = learner.browser().get("/join/" + code);
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("<button type=\"submit\">Join "), "a Join button, not an automatic join: " + page.body());
    HttpResponse<String> joined = learner.browser().post("/join/" + code, Map.of("_csrf", learner.csrf()));
    assertEquals(303, joined.statusCode(), joined.body());
    assertTrue(learner.browser().get("/join/" + code).body().contains("You are in this cohort"));
  }

  @Test
  void anInstructorCreatesACohortAndALearnerJoinsThroughTheLink() {
    User instructor = signIn(server, "instructor1", "instructor1");
    String path = createCohort(instructor, "Spring 2025 <evening>");
    String dashboard = instructor.browser().get(path).body();
    assertTrue(dashboard.contains("Spring 2025 &lt;evening&gt;"), "the name, escaped");
    assertTrue(dashboard.contains("No learners yet"), dashboard);
    String code = joinCode(instructor, path);
    assertTrue(dashboard.contains(server.publicUrl() + "/join/" + code), "the join link is absolute");

    User learner = newUser(server, "joiner");
    HttpResponse<String> anonymous = new Browser(server).get("/join/" + code);
    assertEquals(302, anonymous.statusCode(), "joining needs signing in first");
    assertTrue(anonymous.headers().firstValue("Location").orElseThrow().contains("return=%2Fjoin%2F" + code));
    assertEquals(403, learner.browser().post("/join/" + code, Map.of()).statusCode(), "joining needs the CSRF token");
    join(learner, code);
    assertEquals(303, learner.browser().post("/join/" + code, Map.of("_csrf", learner.csrf())).statusCode(),
        "joining twice is harmless");
    HttpResponse<String> typed = learner.browser().get("/join?code=" + code.substring(0, 4).toLowerCase() + "-"
        + code.substring(4));
    assertEquals(303, typed.statusCode(), "a typed code, any case, with a dash");
    assertEquals("/join/" + code, typed.headers().firstValue("Location").orElseThrow());
    assertEquals(404, learner.browser().get("/join/ABCDEFGH").statusCode());

    String after = instructor.browser().get(path).body();
    assertTrue(after.contains("id=\"learner-" + learner.id() + "\""), "the learner has a row in the matrix");
    assertTrue(after.contains("<strong>1</strong> learner<"), after);
    assertTrue(instructor.browser().get("/cohorts").body().contains(path), "listed for its instructor");
  }

  @Test
  void onlyTheCohortsInstructorsAndAdminsGetIn() {
    User owner = signIn(server, "instructor1", "instructor1");
    String path = createCohort(owner, "Private cohort");
    String id = path.substring("/cohorts/".length());
    User other = newUser(server, "other-teacher", "instructor");
    User learner = newUser(server, "curious");
    join(learner, joinCode(owner, path));

    for (String page : List.of(path, path + "/live", path + "/people", path + "/matrix.csv", path + "/events.csv",
        path + "/learners/" + learner.id())) {
      assertEquals(403, other.browser().get(page).statusCode(), "another instructor guessing " + page);
      assertEquals(403, learner.browser().get(page).statusCode(), "a learner of the cohort: " + page);
    }
    assertEquals(403, other.browser().post(path + "/people", Map.of("_csrf", other.csrf(), "who", other.username(),
        "role", "instructor")).statusCode(), "nobody adds themselves to a cohort they do not teach");
    assertEquals(403, other.browser().get("/cohorts/" + UUID.randomUUID()).statusCode(),
        "an id that does not exist looks the same as one that does");
    assertEquals(403, other.browser().get("/cohorts/not-a-uuid").statusCode());
    assertFalse(other.browser().get("/cohorts").body().contains(id), "not in another instructor's list");
    String theirs = learner.browser().get("/cohorts").body();
    assertTrue(theirs.contains("Your cohorts") && theirs.contains("<h2>Private cohort</h2>"),
        "a learner's own list of the cohorts they are in");
    assertFalse(theirs.contains(id) || theirs.contains(joinCode(owner, path)), "with no dashboard link or join code");
    assertEquals(403, learner.browser().post("/cohorts", Map.of("_csrf", learner.csrf(), "name", "Mine", "course",
        COURSE)).statusCode(), "learners create no cohorts");
    assertEquals(302, new Browser(server).get(path).statusCode(), "anonymous: sign in first");

    User admin = signIn(server, "admin1", "admin1");
    assertEquals(200, admin.browser().get(path).statusCode(), "admins see every cohort");
    assertTrue(admin.browser().get("/cohorts").body().contains(id));
    assertEquals(404, admin.browser().get("/cohorts/" + UUID.randomUUID()).statusCode());
  }

  @Test
  void learnersSeeTheCohortsTheyAreInAndWhoTeachesThem() {
    User instructor = signIn(server, "instructor1", "instructor1");
    String path = createCohort(instructor, "Evening class");
    User learner = newUser(server, "evening");
    String none = learner.browser().get("/cohorts").body();
    assertTrue(none.contains("You are not in a cohort yet") && none.contains("href=\"/join\""), none);

    join(learner, joinCode(instructor, path));
    String page = learner.browser().get("/cohorts").body();
    assertTrue(page.contains("<h2>Evening class</h2>"), page);
    assertTrue(page.contains("Led by Ines Instructor."), page);
    assertTrue(page.contains("You joined on " + java.time.LocalDate.now(java.time.ZoneOffset.UTC)), page);
    assertTrue(page.contains("<a href=\"/cohorts\">Your cohorts</a>"), "the header links here for learners");
  }

  @Test
  void instructorsAddAndRemovePeopleAndCoInstructors() {
    User owner = signIn(server, "instructor1", "instructor1");
    String path = createCohort(owner, "Managed cohort");
    User learner = newUser(server, "added");
    User colleague = newUser(server, "colleague", "instructor");
    Browser b = owner.browser();

    HttpResponse<String> byEmail = b.post(path + "/people", Map.of("_csrf", owner.csrf(),
        "who", learner.username().toUpperCase() + "@POCKETLAB.TEST", "role", "learner"));
    assertEquals(303, byEmail.statusCode(), byEmail.body());
    assertTrue(b.get(path).body().contains("id=\"learner-" + learner.id() + "\""), "added by email");

    HttpResponse<String> notInstructor = b.post(path + "/people", Map.of("_csrf", owner.csrf(),
        "who", learner.username(), "role", "instructor"));
    assertEquals(400, notInstructor.statusCode());
    assertTrue(notInstructor.body().contains("does not have the instructor role"), notInstructor.body());
    HttpResponse<String> nobody = b.post(path + "/people", Map.of("_csrf", owner.csrf(), "who", "nobody-here",
        "role", "learner"));
    assertEquals(400, nobody.statusCode());
    assertTrue(nobody.body().contains("has signed in yet"));

    assertEquals(403, colleague.browser().get(path).statusCode());
    assertEquals(303, b.post(path + "/people", Map.of("_csrf", owner.csrf(), "who", colleague.username(),
        "role", "instructor")).statusCode());
    assertEquals(200, colleague.browser().get(path).statusCode(), "a co-instructor opens the dashboard");
    assertFalse(b.get(path).body().contains("id=\"learner-" + colleague.id() + "\""), "instructors are not learners");

    assertEquals(303, b.post(path + "/people/" + learner.id() + "/remove", Map.of("_csrf", owner.csrf())).statusCode());
    assertFalse(b.get(path).body().contains("id=\"learner-" + learner.id() + "\""), "removed");
    assertEquals(303, b.post(path + "/people/" + colleague.id() + "/remove", Map.of("_csrf", owner.csrf())).statusCode());
    assertEquals(403, colleague.browser().get(path).statusCode(), "a removed co-instructor is out");
    HttpResponse<String> last = b.post(path + "/people/" + owner.id() + "/remove", Map.of("_csrf", owner.csrf()));
    assertEquals(400, last.statusCode());
    assertTrue(last.body().contains("at least one instructor"));
  }

  @Test
  void badCohortFormsComeBackWithAMessage() {
    User owner = signIn(server, "instructor1", "instructor1");
    HttpResponse<String> noName = owner.browser().post("/cohorts", Map.of("_csrf", owner.csrf(), "name", " ",
        "course", COURSE));
    assertEquals(400, noName.statusCode());
    assertTrue(noName.body().contains("Give the cohort a name."));
    HttpResponse<String> backwards = owner.browser().post("/cohorts", Map.of("_csrf", owner.csrf(), "name", "X",
        "course", COURSE, "starts", "2025-05-01", "ends", "2025-04-01"));
    assertEquals(400, backwards.statusCode());
    assertTrue(backwards.body().contains("The end date is before the start date."));
    HttpResponse<String> badDate = owner.browser().post("/cohorts", Map.of("_csrf", owner.csrf(), "name", "X",
        "course", COURSE, "starts", "tomorrow"));
    assertEquals(400, badDate.statusCode());
    assertEquals(400, owner.browser().post("/cohorts", Map.of("_csrf", owner.csrf(), "name", "X", "course", "nope"))
        .statusCode());
  }

  @Test
  void theDashboardTimelineAndCsvShowWhatLearnersDid() throws Exception {
    User owner = signIn(server, "instructor1", "instructor1");
    String path = createCohort(owner, "Exported, \"quoted\" cohort");
    String username = "exported-" + UUID.randomUUID().toString().substring(0, 8);
    String keycloakId = TestKeycloak.get().createUser(username, "pw-" + username);
    TestKeycloak.get().adminPut("/users/" + keycloakId, Map.of("firstName", "+1-2"));
    User learner = signIn(server, username, "pw-" + username);
    join(learner, joinCode(owner, path));
    learner.browser().get("/courses/" + COURSE + "/cards/12-models-orm-essentials");
    UUID failedRun = UUID.randomUUID();
    var progress = server.server().progress();
    for (int i = 0; i < 3; i++) {
      progress.record(new ProgressEvent(i == 0 ? failedRun : UUID.randomUUID(), learner.id(), COURSE, 4,
          EventKind.EXAMPLE_RUN, new JsonObject().put("example", 1).put("exitCode", 1).put("outcome", "exited")
              .put("durationMs", 321))).await(20, TimeUnit.SECONDS);
    }
    progress.record(new ProgressEvent(UUID.randomUUID(), learner.id(), COURSE, 5, EventKind.CHECK_PASSED, null))
        .await(20, TimeUnit.SECONDS);

    String dashboard = owner.browser().get(path).body();
    String row = dashboard.substring(dashboard.indexOf("id=\"learner-" + learner.id()));
    row = row.substring(0, row.indexOf("</tr>"));
    assertTrue(row.contains("failing on card 4"), "three failed runs within the window: stuck: " + row);
    assertTrue(row.contains("<span class=\"vh\">done</span>") && row.contains("<span class=\"vh\">practised</span>")
        && row.contains("<span class=\"vh\">viewed</span>"), row);
    assertTrue(dashboard.contains("<strong>1</strong> flagged as stuck"));
    assertTrue(dashboard.contains("<svg class=\"chart\""), "charts are SVG in the page");
    assertTrue(dashboard.contains("Completion per section"));
    assertTrue(owner.browser().get(path + "?show=stuck").body().contains("id=\"learner-" + learner.id() + "\""));

    String timeline = owner.browser().get(path + "/learners/" + learner.id()).body();
    assertTrue(timeline.contains("Ran example 1"), timeline);
    assertTrue(timeline.contains("exited, exit 1, 321 ms"), "a run shows how it ended");
    assertTrue(timeline.contains("Check passed"));
    assertTrue(timeline.contains("Viewed"));
    assertEquals(404, owner.browser().get(path + "/learners/" + owner.id()).statusCode(), "not a learner of it");

    HttpResponse<String> matrix = owner.browser().get(path + "/matrix.csv");
    assertEquals(200, matrix.statusCode());
    assertTrue(matrix.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
    assertTrue(matrix.headers().firstValue("Content-Disposition").orElseThrow()
        .contains("filename=\"exported-quoted-cohort-matrix.csv\""));
    List<String> lines = matrix.body().lines().toList();
    assertEquals(2, lines.size(), matrix.body());
    assertTrue(lines.get(0).startsWith("username,name,email,done,practised,viewed,percent_done,last_activity_utc,stuck,"
        + "card_1,card_2,card_3,card_4,card_5,"), lines.get(0));
    List<String> cells = List.of(lines.get(1).split(","));
    assertEquals(learner.username(), cells.get(0));
    assertEquals("'+1-2 " + username, cells.get(1), "a name starting with + cannot become a spreadsheet formula");
    assertEquals("1", cells.get(3), "done");
    assertEquals("1", cells.get(4), "practised");
    assertEquals("1", cells.get(5), "viewed");
    assertEquals("failing on card 4", cells.get(8));
    assertEquals("not-started", cells.get(9));
    assertEquals("practised", cells.get(12));
    assertEquals("done", cells.get(13));
    assertEquals("viewed", cells.get(20));

    HttpResponse<String> events = owner.browser().get(path + "/events.csv");
    assertEquals(200, events.statusCode());
    List<String> eventLines = events.body().lines().toList();
    assertEquals("event_id,recorded_at_utc,username,card,kind,failed,detail", eventLines.get(0));
    assertEquals(6, eventLines.size(), events.body());
    assertTrue(eventLines.get(1).contains(",12,viewed,false,{}"), "oldest first: " + eventLines.get(1));
    String run = eventLines.stream().filter(l -> l.startsWith(failedRun.toString())).findFirst().orElseThrow();
    assertTrue(run.contains(",4,example_run,true,\"{\"\"example\"\": 1, "), "detail JSON, quoted: " + run);
  }
}
