package org.pocketlab.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.pocketlab.db.schema.Tables.CARD;
import static org.pocketlab.db.schema.Tables.COURSE;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pocketlab.course.Course;
import org.pocketlab.testsupport.TestPostgres;

@ExtendWith(VertxExtension.class)
class LocalPostgresTest {

  @Test
  void startsWithItsDataUnderItsDirectory() throws Exception {
    LocalPostgres pg = TestPostgres.server();
    Path dir = pg.directory();

    try (CloseableDSLContext dsl = DSL.using(pg.jdbcUrl(), pg.user(), pg.password())) {
      assertEquals(1, dsl.selectOne().fetchOne(0, int.class));
    }
    assertTrue(Files.exists(dir.resolve("pgdata/PG_VERSION")));
    assertTrue(Files.exists(dir.resolve(".s.PGSQL." + pg.port())), "unix socket inside the directory");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("password"))));
    assertEquals(pg.password(), Files.readString(dir.resolve("password")).trim());
    assertTrue(pg.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:" + pg.port() + "/"));
  }

  @Test
  void refusesAWrongPassword() {
    LocalPostgres pg = TestPostgres.server();
    var e = assertThrows(Exception.class, () -> {
      try (CloseableDSLContext dsl = DSL.using(pg.jdbcUrl(), pg.user(), "not-the-password")) {
        dsl.selectOne().fetch();
      }
    });
    assertTrue(String.valueOf(e.getMessage()).contains("password authentication failed"), e.getMessage());
  }

  @Test
  void createDatabaseReportsWhetherItWasNew() {
    LocalPostgres pg = TestPostgres.server();
    assertTrue(pg.createDatabase("twice_created"));
    assertFalse(pg.createDatabase("twice_created"));
    assertThrows(IllegalArgumentException.class, () -> pg.createDatabase("no; drop"));
  }

  @Test
  void dataSurvivesStopAndStart(Vertx vertx) {
    Path dir = TestPostgres.newServerDirectory();
    Course course = Courses.sample("survivor", Courses.card(1, "intro", 1), Courses.card(2, "models", 1));

    LocalPostgres first = TestPostgres.start(dir);
    String password = first.password();
    try (Database db = Database.open(vertx, first.dbSettings(LocalPostgres.DATABASE, 2))) {
      CourseRegistry.sync(db.dsl(), course, CourseRegistry.contentHash(course));
    }
    first.close();
    first.close(); // idempotent

    LocalPostgres second = TestPostgres.start(dir);
    try (CloseableDSLContext dsl = DSL.using(second.jdbcUrl(), second.user(), second.password())) {
      assertEquals(password, second.password(), "the password is kept");
      assertEquals(CourseRegistry.contentHash(course),
          dsl.select(COURSE.CONTENT_HASH).from(COURSE).where(COURSE.ID.eq("survivor")).fetchOne(COURSE.CONTENT_HASH));
      assertEquals(List.of("intro", "models"),
          dsl.select(CARD.SLUG).from(CARD).where(CARD.COURSE_ID.eq("survivor")).orderBy(CARD.NUMBER).fetch(CARD.SLUG));
    } finally {
      second.close();
    }
  }

  @Test
  void startsAfterACrashLeftAStalePidFile() throws Exception {
    Path dir = TestPostgres.newServerDirectory();
    LocalPostgres crashed = TestPostgres.start(dir);
    long pid = crashed.postmasterPid().orElseThrow();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
    assertTrue(exitsSoon(pid));
    crashed.releaseWithoutStopping();
    assertTrue(Files.exists(dir.resolve("pgdata/postmaster.pid")), "the crash leaves the pid file behind");

    try (LocalPostgres restarted = TestPostgres.start(dir);
        CloseableDSLContext dsl = DSL.using(restarted.jdbcUrl(), restarted.user(), restarted.password())) {
      assertEquals(1, dsl.selectOne().fetchOne(0, int.class));
      assertNotEquals(pid, restarted.postmasterPid().orElseThrow());
    }
  }

  @Test
  void startsOverAStalePidFileOfAnEarlierRun() throws Exception {
    Path dir = TestPostgres.newServerDirectory();
    Path pidFile = dir.resolve("pgdata/postmaster.pid");
    LocalPostgres earlier = TestPostgres.start(dir);
    String pidFileContent = Files.readString(pidFile);
    earlier.close();

    for (String stale : List.of(pidFileContent, "", "garbage\n")) {
      Files.writeString(pidFile, stale);
      try (LocalPostgres restarted = TestPostgres.start(dir);
          CloseableDSLContext dsl = DSL.using(restarted.jdbcUrl(), restarted.user(), restarted.password())) {
        assertEquals(1, dsl.selectOne().fetchOne(0, int.class));
      }
    }
  }

  @Test
  void stopsAPostmasterLeftRunningByACrashedRun() throws Exception {
    Path dir = TestPostgres.newServerDirectory();
    LocalPostgres crashed = TestPostgres.start(dir);
    long oldPid = crashed.postmasterPid().orElseThrow();
    crashed.releaseWithoutStopping();

    try (LocalPostgres restarted = TestPostgres.start(dir);
        CloseableDSLContext dsl = DSL.using(restarted.jdbcUrl(), restarted.user(), restarted.password())) {
      assertEquals(1, dsl.selectOne().fetchOne(0, int.class));
      assertTrue(exitsSoon(oldPid), "the old postmaster is gone");
    }
  }

  @Test
  void stopAbandonedStopsOnlyServersNobodyHolds() {
    Path dir = TestPostgres.newServerDirectory();
    LocalPostgres running = TestPostgres.start(dir);
    long pid = running.postmasterPid().orElseThrow();
    assertFalse(LocalPostgres.stopAbandoned(dir), "a live LocalPostgres holds its directory");
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "still running");

    running.releaseWithoutStopping();
    assertTrue(LocalPostgres.stopAbandoned(dir));
    assertTrue(exitsSoon(pid), "the abandoned postmaster is stopped");
  }

  @Test
  void oneDirectoryServesOneLocalPostgresAtATime() {
    Path dir = TestPostgres.newServerDirectory();
    try (LocalPostgres pg = TestPostgres.start(dir)) {
      var e = assertThrows(IllegalStateException.class, () -> LocalPostgres.start(dir));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }
  }

  @Test
  void aFailedStartQuotesTheLogAndLeavesTheDirectoryUsable() {
    Path dir = TestPostgres.newServerDirectory();
    var e = assertThrows(IllegalStateException.class,
        () -> LocalPostgres.start(dir, Map.of("shared_buffers", "plenty")));
    assertTrue(e.getMessage().contains("PostgreSQL did not start"), e.getMessage());
    assertTrue(e.getMessage().contains("invalid value for parameter \"shared_buffers\""), e.getMessage());

    TestPostgres.start(dir).close();
  }

  @Test
  void fallsBackToTcpOnlyWhereTheSocketPathWouldBeTooLong() {
    Path deep = TestPostgres.newServerDirectory().resolve("d".repeat(100));
    try (LocalPostgres pg = TestPostgres.start(deep);
        CloseableDSLContext dsl = DSL.using(pg.jdbcUrl(), pg.user(), pg.password())) {
      assertEquals(1, dsl.selectOne().fetchOne(0, int.class));
      assertFalse(Files.exists(deep.resolve(".s.PGSQL." + pg.port())));
    }
  }

  @Test
  void reservedAndMalformedSettingsAreRejected() {
    Path dir = TestPostgres.newServerDirectory();
    assertThrows(IllegalArgumentException.class, () -> LocalPostgres.start(dir, Map.of("port", "5432")));
    assertThrows(IllegalArgumentException.class, () -> LocalPostgres.start(dir, Map.of("a = 1\nb", "2")));
  }

  @Test
  void namesADirectoryTheUnprivilegedUserCannotEnter() throws Exception {
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "only root hands PostgreSQL to nobody");
    Path closed = TestPostgres.newServerDirectory();
    Files.createDirectories(closed);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

    var e = assertThrows(IllegalStateException.class, () -> LocalPostgres.start(closed.resolve("pg")));
    assertTrue(e.getMessage().contains("cannot enter " + closed.toRealPath()), e.getMessage());
  }

  @Test
  void locatesTheServerPrograms(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
    Path real = PostgresBinaries.locate().dir();
    assertTrue(Files.isExecutable(real.resolve("initdb")));

    assertEquals(real, PostgresBinaries.locate(Map.of("POCKETLAB_PG_BIN", real.toString()), Optional::empty, temp).dir());
    var wrong = assertThrows(IllegalStateException.class,
        () -> PostgresBinaries.locate(Map.of("POCKETLAB_PG_BIN", temp.toString()), Optional::empty, temp));
    assertTrue(wrong.getMessage().startsWith("POCKETLAB_PG_BIN=" + temp), wrong.getMessage());

    var none = assertThrows(IllegalStateException.class,
        () -> PostgresBinaries.locate(Map.of(), () -> Optional.of(temp), temp.resolve("missing")));
    assertEquals(PostgresBinaries.NOT_FOUND, none.getMessage());

    // The highest version wins, numerically (10 > 9.6).
    for (String version : List.of("9.6", "10", "bogus")) {
      Path bin = Files.createDirectories(temp.resolve("debian/" + version + "/bin"));
      for (String tool : List.of("initdb", "pg_ctl", "postgres", "createdb")) {
        Files.createFile(bin.resolve(tool), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      }
    }
    assertEquals(temp.resolve("debian/10/bin"),
        PostgresBinaries.locate(Map.of(), Optional::empty, temp.resolve("debian")).dir());
  }

  @Test
  void startAndStopAreQuick() {
    Path dir = TestPostgres.newServerDirectory();
    long t0 = System.nanoTime();
    LocalPostgres pg = TestPostgres.start(dir); // initdb + start
    long t1 = System.nanoTime();
    pg.close();
    long t2 = System.nanoTime();
    LocalPostgres again = TestPostgres.start(dir); // start only
    long t3 = System.nanoTime();
    again.close();
    System.out.printf("first start (initdb + start + createdb) %d ms, stop %d ms, restart %d ms%n",
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
    assertTrue(Duration.ofNanos(t3 - t2).compareTo(Duration.ofSeconds(10)) < 0);
  }

  /**
   * Whether the process is gone (or a zombie: PID 1 of a container may be slow to reap what pg_ctl
   * orphaned) within 3 s.
   */
  private static boolean exitsSoon(long pid) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) return true;
        Thread.sleep(50);
      } catch (java.io.IOException e) {
        return true; // no such process
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
