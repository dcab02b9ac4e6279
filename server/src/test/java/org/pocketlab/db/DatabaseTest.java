package org.pocketlab.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.CARD;
import static org.pocketlab.db.schema.Tables.COURSE;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pocketlab.testsupport.TestPostgres;

@ExtendWith(VertxExtension.class)
class DatabaseTest {

  @Test
  void openMigratesTheSchema(Vertx vertx) {
    try (Database db = Database.open(vertx, TestPostgres.freshDatabase())) {
      assertEquals(0, db.dsl().fetchCount(COURSE));
      assertEquals(0, db.dsl().fetchCount(CARD));
      List<String> versions = db.dsl()
          .select(DSL.field(DSL.name("version"), String.class))
          .from(DSL.table(DSL.name("flyway_schema_history")))
          .where(DSL.field(DSL.name("success"), Boolean.class).isTrue())
          .fetch(0, String.class);
      assertTrue(versions.contains("1"), "V1 applied: " + versions);
    }
  }

  @Test
  void openingAgainLeavesTheSchemaAlone(Vertx vertx) {
    DbSettings settings = TestPostgres.freshDatabase();
    Database.open(vertx, settings).close();
    try (Database db = Database.open(vertx, settings)) {
      assertEquals(1, db.dsl().fetchCount(DSL.table(DSL.name("flyway_schema_history")),
          DSL.field(DSL.name("version")).eq("1")));
    }
  }

  @Test
  void queryRunsOnADbWorkerAndAnswersOnTheCallersEventLoop(Vertx vertx) throws Exception {
    try (Database db = Database.open(vertx, TestPostgres.freshDatabase())) {
      List<Object> seen = onEventLoop(vertx, () -> {
        boolean calledOnLoop = Context.isOnEventLoopThread();
        return db.query(dsl -> List.<Object>of(
                Context.isOnEventLoopThread(), Thread.currentThread().getName(), dsl.selectOne().fetchOne(0, int.class)))
            .map(inside -> List.of(calledOnLoop, inside.get(0), inside.get(1), inside.get(2), Context.isOnEventLoopThread()));
      });
      assertEquals(true, seen.get(0), "called from an event loop");
      assertEquals(false, seen.get(1), "the work itself is off the event loop");
      assertTrue(((String) seen.get(2)).startsWith("db-"), "on the db pool: " + seen.get(2));
      assertEquals(1, seen.get(3));
      assertEquals(true, seen.get(4), "the result comes back on the event loop");
    }
  }

  @Test
  void concurrentQueriesFromOneEventLoopOverlap(Vertx vertx) throws Exception {
    int parallel = 4;
    try (Database db = Database.open(vertx, TestPostgres.freshDatabase(parallel))) {
      CountDownLatch allRunning = new CountDownLatch(parallel);
      List<Boolean> overlapped = onEventLoop(vertx, () -> {
        List<Future<Boolean>> queries = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
          queries.add(db.query(dsl -> {
            dsl.selectOne().fetch();
            allRunning.countDown();
            return awaitQuietly(allRunning); // true only if all queries are in flight at once
          }));
        }
        return Future.all(queries).map(all -> all.<Boolean>list());
      });
      assertEquals(List.of(true, true, true, true), overlapped);
    }
  }

  @Test
  void transactionCommitsOrRollsBack(Vertx vertx) throws Exception {
    try (Database db = Database.open(vertx, TestPostgres.freshDatabase())) {
      Future<Integer> committed = db.transaction(dsl -> insertCourse(dsl, "kept"));
      assertEquals(1, await(committed));

      Future<Integer> failed = db.transaction(dsl -> {
        insertCourse(dsl, "dropped");
        throw new IllegalStateException("changed my mind");
      });
      var e = assertThrows(ExecutionException.class, () -> await(failed));
      assertEquals("changed my mind", e.getCause().getMessage());

      assertEquals(List.of("kept"), db.dsl().select(COURSE.ID).from(COURSE).fetch(COURSE.ID));
    }
  }

  @Test
  void pingFailsOnceTheServerIsDown(Vertx vertx) throws Exception {
    LocalPostgres pg = TestPostgres.start(TestPostgres.newServerDirectory());
    try (Database db = Database.open(vertx, pg.dbSettings(LocalPostgres.DATABASE, 2))) {
      await(db.ping());

      pg.close();
      long started = System.nanoTime();
      var e = assertThrows(ExecutionException.class, () -> await(db.ping()));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(e.getCause().getMessage().startsWith("Database ping failed"), e.getCause().getMessage());
      assertTrue(millis < 4_000, "ping gives up quickly, took " + millis + " ms");
    }
  }

  @Test
  void openFailsWithOneClearLineWhenNothingListens(Vertx vertx) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    DbSettings nowhere = new DbSettings("jdbc:postgresql://127.0.0.1:" + closedPort + "/x", "u", "p", 1);
    long started = System.nanoTime();
    var e = assertThrows(IllegalStateException.class, () -> Database.open(vertx, nowhere, Duration.ofSeconds(1)));
    assertTrue(System.nanoTime() - started >= Duration.ofSeconds(1).toNanos(), "it retried for the whole second");
    assertTrue(e.getMessage().startsWith("Database jdbc:postgresql://127.0.0.1:" + closedPort + "/x not reachable within"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void openFailsAtOnceOnAWrongPassword(Vertx vertx) {
    DbSettings good = TestPostgres.freshDatabase();
    DbSettings wrong = new DbSettings(good.jdbcUrl(), good.user(), "wrong", 1);
    long started = System.nanoTime();
    var e = assertThrows(IllegalStateException.class, () -> Database.open(vertx, wrong, Duration.ofSeconds(20)));
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "no retrying a wrong password");
    assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    assertFalse(wrong.toString().contains("wrong"), "toString hides the password");
  }

  @Test
  void openRefusesToBlockAnEventLoop(Vertx vertx) throws Exception {
    DbSettings settings = TestPostgres.freshDatabase();
    String message = onEventLoop(vertx, () -> {
      try {
        Database.open(vertx, settings).close();
        return Future.succeededFuture("opened");
      } catch (IllegalStateException e) {
        return Future.succeededFuture(e.getMessage());
      }
    });
    assertTrue(message.contains("not on an event loop"), message);
  }

  private static int insertCourse(org.jooq.DSLContext dsl, String id) {
    return dsl.insertInto(COURSE)
        .set(COURSE.ID, id)
        .set(COURSE.TITLE, "T")
        .set(COURSE.CONTENT_HASH, "0".repeat(64))
        .set(COURSE.CARD_COUNT, 0)
        .execute();
  }

  /** Runs {@code action} on an event-loop context and waits for the future it returns. */
  private static <T> T onEventLoop(Vertx vertx, Supplier<Future<T>> action) throws Exception {
    Promise<T> promise = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(promise));
    return await(promise.future());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
