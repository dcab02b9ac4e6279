package org.pocketlab.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.CARD_PROGRESS;
import static org.pocketlab.db.schema.Tables.DAILY_ACTIVITY;
import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.cohort.CohortsTest.User;
import org.pocketlab.testsupport.TestServer;

/** {@code seed-cohort} against a running server's database: what it writes is what the dashboard shows. */
class SeedCohortCommandTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  record Result(int exit, String out, String err) {}

  private static Result seed(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = Map.of(
        "POCKETLAB_DB_URL", server.db().jdbcUrl(),
        "POCKETLAB_DB_USER", server.db().user(),
        "POCKETLAB_DB_PASSWORD", server.db().password(),
        "POCKETLAB_DATA_DIR", Files.createTempDirectory("seed-test").toString());
    int exit = SeedCohortCommand.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void seedsACohortTheDashboardShows() throws Exception {
    CohortsTest.signIn(server, "instructor1", "instructor1"); // has signed in, so can be the instructor
    Result result = seed("--learners", "20", "--events", "5003", "--name", "Seeded cohort", "--instructor",
        "instructor1");
    assertEquals(0, result.exit(), result.err());
    Matcher id = Pattern.compile("seeded cohort \"Seeded cohort\" \\(([0-9a-f-]{36})\\): 20 learners, 5003 events")
        .matcher(result.out());
    assertTrue(id.find(), result.out());
    String path = "/cohorts/" + id.group(1);

    try (CloseableDSLContext db = DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password())) {
      assertEquals(5003, db.fetchCount(PROGRESS_EVENT));
      assertEquals(5003, db.select(DSL.sum(CARD_PROGRESS.EVENTS)).from(CARD_PROGRESS).fetchSingle().value1().intValue(),
          "every event counted once in the per-card aggregate");
      assertEquals(5003, db.select(DSL.sum(DAILY_ACTIVITY.EVENTS)).from(DAILY_ACTIVITY).fetchSingle().value1().intValue());
      assertEquals(db.fetchCount(PROGRESS_EVENT, PROGRESS_EVENT.FAILED.isTrue()),
          db.select(DSL.sum(CARD_PROGRESS.FAILURES)).from(CARD_PROGRESS).fetchSingle().value1().intValue());
    }

    User instructor = CohortsTest.signIn(server, "instructor1", "instructor1");
    String dashboard = instructor.browser().get(path).body();
    assertTrue(dashboard.contains("<strong>20</strong> learners"), "the seeded learners are the cohort's");
    assertTrue(dashboard.contains("Seed Learner 0001"));
    assertEquals(21, instructor.browser().get(path + "/matrix.csv").body().lines().count());
    assertEquals(5004, instructor.browser().get(path + "/events.csv").body().lines().count(),
        "the events export pages through all of them (5,000 a page)");
  }

  @Test
  void badOptionsAreRefusedWithUsage() throws Exception {
    Result unknown = seed("--learners", "many");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("--learners: a whole number from 1 to 100000, not many"), unknown.err());
    Result nobody = seed("--learners", "2", "--events", "10", "--instructor", "nobody-at-all");
    assertEquals(2, nobody.exit());
    assertTrue(nobody.err().contains("--instructor nobody-at-all has not signed in yet"), nobody.err());
    assertEquals(2, seed("--course", "no-such-course").exit());
  }
}
