package org.pocketlab.cohort;

import static org.pocketlab.db.schema.Tables.APP_USER;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.pocketlab.BootException;
import org.pocketlab.PocketlabServer;
import org.pocketlab.auth.Person;
import org.pocketlab.config.InvalidSettingException;
import org.pocketlab.config.Settings;
import org.pocketlab.course.Course;
import org.pocketlab.db.CourseRegistry;
import org.pocketlab.db.Database;
import org.pocketlab.db.DbSettings;
import org.pocketlab.db.LocalPostgres;
import org.pocketlab.progress.EventKind;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * {@code seed-cohort}: a synthetic cohort for trying the dashboard at scale: learners, their membership and
 * their progress events, written with PostgreSQL COPY in one transaction, then the per-card and per-day
 * aggregates built from the events with one INSERT … SELECT … GROUP BY each. Uses the same database
 * settings as {@code serve} (the local PostgreSQL under the data dir when POCKETLAB_DB_URL is unset; stop
 * the server first in that case, or point both at the same external database).
 *
 * <p>The learners are spread along the course (each has reached some card and works mostly near it), over
 * the last {@code --days} days; about one in five has been away for days and about one in thirty failed
 * the same run several times in the last few minutes, so the "stuck" flags have something to show. The
 * seeded people cannot sign in (their subjects are not the identity provider's).
 */
public final class SeedCohortCommand {
  static final String USAGE = "usage: seed-cohort [--course ID] [--name NAME] [--learners N] [--events N] "
      + "[--days N] [--instructor USERNAME] [--seed N]\n"
      + "  defaults: the first course, \"Synthetic cohort\", 1000 learners, 1000000 events, 30 days, seed 42;\n"
      + "  --instructor: someone who has signed in once becomes the cohort's instructor (admins see it anyway)";
  private static final int CHUNK = 1 << 16;

  private SeedCohortCommand() {}

  record Options(String course, String name, int learners, long events, int days, String instructor, long seed) {}

  /** Runs with the settings of {@code env} (the process environment from Main); returns the exit code. */
  public static int run(List<String> args, java.util.Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.contains("-h") || args.contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    Options options;
    Settings settings;
    try {
      options = parse(args);
      settings = Settings.from(env);
    } catch (IllegalArgumentException e) {
      err.println("seed-cohort: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (InvalidSettingException e) {
      err.println("seed-cohort: invalid setting " + e.getMessage());
      return 2;
    }
    LocalPostgres local = null;
    Vertx vertx = Vertx.vertx();
    try {
      List<Course> courses = PocketlabServer.loadCourses(settings);
      Course course = options.course() == null ? courses.get(0) : courses.stream()
          .filter(c -> c.id().equals(options.course())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no course " + options.course()));
      local = settings.dbUrl().isEmpty() ? PocketlabServer.startLocalPostgres(settings) : null;
      DbSettings db = local == null
          ? new DbSettings(settings.dbUrl().get(), settings.dbUser(), settings.dbPassword(), 2)
          : new DbSettings(local.jdbcUrl(), local.user(), local.password(), 2);
      try (Database database = Database.open(vertx, db)) {
        for (Course c : courses) CourseRegistry.sync(database.dsl(), c, CourseRegistry.contentHash(c));
        long began = System.nanoTime();
        Cohort cohort = database.dsl().transactionResult(tx -> seed(tx.dsl(), course, options, out));
        out.printf(Locale.ROOT, "seeded cohort \"%s\" (%s): %d learners, %d events in %.1f s%n", cohort.name(),
            cohort.id(), options.learners(), options.events(), (System.nanoTime() - began) / 1e9);
        out.println("dashboard: " + settings.publicUrl() + cohort.path() + " (its instructors and admins)");
        out.println("join code: " + cohort.joinCode());
        return 0;
      }
    } catch (IllegalArgumentException e) {
      err.println("seed-cohort: " + e.getMessage());
      return 2;
    } catch (BootException | IllegalStateException | org.jooq.exception.DataAccessException e) {
      err.println("seed-cohort: " + e.getMessage());
      return 1;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        err.println("seed-cohort: Vert.x did not close cleanly: " + e);
      }
      if (local != null) local.close();
    }
  }

  static Options parse(List<String> args) {
    String course = null;
    String name = "Synthetic cohort";
    int learners = 1000;
    long events = 1_000_000;
    int days = 30;
    String instructor = null;
    long seed = 42;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) throw new IllegalArgumentException(flag + " needs a value");
      String value = args.get(++i);
      switch (flag) {
        case "--course" -> course = value;
        case "--name" -> name = value;
        case "--learners" -> learners = (int) number(flag, value, 1, 100_000);
        case "--events" -> events = number(flag, value, 0, 100_000_000);
        case "--days" -> days = (int) number(flag, value, 1, 3650);
        case "--instructor" -> instructor = value;
        case "--seed" -> seed = number(flag, value, Long.MIN_VALUE, Long.MAX_VALUE);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (name.isBlank() || name.length() > 200) throw new IllegalArgumentException("--name: 1 to 200 characters");
    return new Options(course, name, learners, events, days, instructor, seed);
  }

  private static long number(String flag, String value, long min, long max) {
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + ": a whole number from " + min + " to " + max + ", not " + value);
  }

  private static Cohort seed(DSLContext tx, Course course, Options options, PrintStream out) throws SQLException {
    Optional<Person> instructor = Optional.ofNullable(options.instructor()).map(username -> tx.selectFrom(APP_USER)
        .where(APP_USER.USERNAME.eq(username)).limit(1).fetchOptional()
        .map(r -> new Person(r.getId(), r.getUsername(), r.getName(), r.getEmail(), java.util.Set.of()))
        .orElseThrow(() -> new IllegalArgumentException("--instructor " + username + " has not signed in yet")));
    Person creator = instructor.orElse(null);
    Cohort cohort = creator != null
        ? Cohorts.create(tx, creator, course.id(), options.name(), null, null)
        : Cohorts.createWithoutInstructor(tx, course.id(), options.name());
    UUID[] learners = new UUID[options.learners()];
    for (int i = 0; i < learners.length; i++) learners[i] = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    tx.connection(connection -> {
      copy(connection, "COPY app_user (id, subject, username, name, email, roles, created_at, last_login_at) "
          + "FROM STDIN (FORMAT csv)", (sink) -> {
            String tag = cohort.joinCode().toLowerCase(Locale.ROOT);
            for (int i = 0; i < learners.length; i++) {
              String n = String.format(Locale.ROOT, "%04d", i + 1);
              sink.line(learners[i] + ",seed:" + cohort.id() + ":" + n + ",seed-" + tag + "-" + n + ",Seed Learner "
                  + n + ",,learner," + now + "," + now);
            }
          });
      copy(connection, "COPY cohort_member (cohort_id, user_id, role, added_at) FROM STDIN (FORMAT csv)", sink -> {
        for (UUID learner : learners) {
          sink.line(cohort.id() + "," + learner + ",learner," + now.minusDays(options.days()));
        }
      });
      out.println("seed-cohort: " + learners.length + " learners added; writing " + options.events() + " events");
      copy(connection, "COPY progress_event (id, user_id, course_id, card_number, kind, status_level, failed, detail, "
          + "recorded_at) FROM STDIN (FORMAT csv)", sink -> new EventGenerator(course, options, now).write(learners, sink));
    });
    out.println("seed-cohort: events written; building the per-card and per-day aggregates");
    buildAggregates(tx, cohort);
    tx.execute("ANALYZE progress_event");
    tx.execute("ANALYZE card_progress");
    tx.execute("ANALYZE daily_activity");
    tx.execute("ANALYZE cohort_member");
    return cohort;
  }

  /** The same aggregates ProgressEvents keeps event by event, built in one statement per table. */
  static void buildAggregates(DSLContext tx, Cohort cohort) {
    tx.execute("INSERT INTO card_progress (course_id, user_id, card_number, status_level, events, failures, first_at, "
        + "last_at) SELECT e.course_id, e.user_id, e.card_number, max(e.status_level), count(*), "
        + "count(*) FILTER (WHERE e.failed), min(e.recorded_at), max(e.recorded_at) "
        + "FROM progress_event e JOIN cohort_member m ON m.user_id = e.user_id AND m.cohort_id = ? "
        + "WHERE e.course_id = ? GROUP BY e.course_id, e.user_id, e.card_number", cohort.id(), cohort.course());
    tx.execute("INSERT INTO daily_activity (course_id, user_id, day, events) "
        + "SELECT e.course_id, e.user_id, (e.recorded_at AT TIME ZONE 'UTC')::date, count(*) "
        + "FROM progress_event e JOIN cohort_member m ON m.user_id = e.user_id AND m.cohort_id = ? "
        + "WHERE e.course_id = ? GROUP BY 1, 2, 3", cohort.id(), cohort.course());
  }

  interface Sink {
    void line(String csvLine);
  }

  private interface Writer {
    void write(Sink sink);
  }

  /** Streams CSV lines into COPY in 64 KB chunks. */
  private static void copy(Connection connection, String sql, Writer writer) throws SQLException {
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      StringBuilder buffer = new StringBuilder(CHUNK + 1024);
      SQLException[] failure = {null};
      writer.write(line -> {
        buffer.append(line).append('\n');
        if (buffer.length() >= CHUNK && failure[0] == null) {
          failure[0] = flush(copy, buffer);
        }
      });
      if (failure[0] == null) failure[0] = flush(copy, buffer);
      if (failure[0] != null) throw failure[0];
      copy.endCopy();
    } finally {
      if (copy.isActive()) copy.cancelCopy();
    }
  }

  private static SQLException flush(CopyIn copy, StringBuilder buffer) {
    byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
    buffer.setLength(0);
    try {
      copy.writeToCopy(bytes, 0, bytes.length);
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  /** Plausible progress: each learner works mostly around the card they have reached. */
  private static final class EventGenerator {
    private final Course course;
    private final Options options;
    private final OffsetDateTime now;
    private final Random random;

    EventGenerator(Course course, Options options, OffsetDateTime now) {
      this.course = course;
      this.options = options;
      this.now = now;
      this.random = new Random(options.seed());
    }

    void write(UUID[] learners, Sink sink) {
      List<Integer> cards = course.cards().stream().map(c -> c.number()).toList();
      long perLearner = options.events() / learners.length;
      long extra = options.events() % learners.length;
      long windowSeconds = Duration.ofDays(options.days()).toSeconds();
      for (int i = 0; i < learners.length; i++) {
        long count = perLearner + (i < extra ? 1 : 0);
        int reached = 1 + random.nextInt(cards.size()); // cards before this one are done or nearly
        boolean away = random.nextInt(5) == 0;
        long lastSecondsAgo = away ? Duration.ofDays(3).toSeconds() + (long) (random.nextDouble() * 10 * 86_400)
            : (long) (random.nextDouble() * 2 * 86_400);
        boolean struggling = !away && random.nextInt(30) == 0;
        long burst = struggling ? Math.min(count, 4) : 0;
        for (long k = 0; k < count - burst; k++) {
          int index = Math.max(0, reached - 1 - (int) Math.abs(random.nextGaussian() * 4));
          long secondsAgo = lastSecondsAgo + (long) (random.nextDouble() * Math.max(1, windowSeconds - lastSecondsAgo));
          event(sink, learners[i], cards.get(index), index < reached - 1, now.minusSeconds(secondsAgo));
        }
        for (long k = 0; k < burst; k++) { // the same run failing again and again, just now
          run(sink, learners[i], cards.get(reached - 1), 1, now.minusSeconds(60 + random.nextInt(240)));
        }
      }
    }

    private void event(Sink sink, UUID learner, int card, boolean behindFrontier, OffsetDateTime at) {
      int dice = random.nextInt(100);
      if (dice < 40) {
        line(sink, learner, card, EventKind.VIEWED, new JsonObject(), at);
      } else if (dice < 78) {
        run(sink, learner, card, random.nextInt(10) < 3 ? 1 : 0, at);
      } else if (dice < 88) {
        line(sink, learner, card, EventKind.CHECK_FAILED, new JsonObject(), at);
      } else if (dice < 95 && behindFrontier) {
        line(sink, learner, card, EventKind.CHECK_PASSED, new JsonObject(), at);
      } else {
        line(sink, learner, card, EventKind.FLASHCARD_ANSWERED, new JsonObject().put("grade", "good"), at);
      }
    }

    private void run(Sink sink, UUID learner, int card, int exitCode, OffsetDateTime at) {
      line(sink, learner, card, EventKind.EXAMPLE_RUN, new JsonObject().put("example", 1).put("exitCode", exitCode)
          .put("outcome", "exited").put("durationMs", 200 + random.nextInt(2000)), at);
    }

    private void line(Sink sink, UUID learner, int card, EventKind kind, JsonObject detail, OffsetDateTime at) {
      sink.line(UUID.randomUUID() + "," + learner + "," + course.id() + "," + card + "," + kind.name() + ","
          + kind.reaches().level() + "," + kind.failed(detail) + ",\"" + detail.encode().replace("\"", "\"\"")
          + "\"," + at);
    }
  }
}
