package org.pocketlab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The manager's policy, against a runtime stand-in and a clock the test moves. */
class SandboxManagerTest {

  private Vertx vertx;
  private FakeRuntime runtime;
  private MutableClock clock;
  private SandboxManager manager;
  private final SandboxId alice = new SandboxId("alice", "django");
  private final SandboxId bob = new SandboxId("bob", "django");

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    runtime = new FakeRuntime();
    clock = new MutableClock();
    manager = new SandboxManager(vertx, runtime, Duration.ofMinutes(30), Duration.ofHours(1), clock);
    await(manager.start());
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  @Test
  void ensureStartsOnFirstNeedAndIdleSandboxesAreCulled() throws Exception {
    await(manager.ensure(alice));
    await(manager.ensure(bob));
    clock.advance(Duration.ofMinutes(20));
    manager.touch(bob); // typing in the terminal
    clock.advance(Duration.ofMinutes(15));
    assertEquals(List.of(alice), await(manager.cullIdle()));
    assertEquals(SandboxStatus.STOPPED, runtime.states.get(alice));
    assertEquals(SandboxStatus.RUNNING, runtime.states.get(bob));
    assertEquals(List.of(), await(manager.cullIdle()), "nothing more is idle yet");

    await(manager.ensure(alice)); // next need: started again
    assertEquals(SandboxStatus.RUNNING, runtime.states.get(alice));
  }

  @Test
  void runningSandboxesFoundAtStartGetAFullIdlePeriod() throws Exception {
    runtime.states.put(alice, SandboxStatus.RUNNING);
    SandboxManager fresh = new SandboxManager(vertx, runtime, Duration.ofMinutes(30), Duration.ofHours(1), clock);
    await(fresh.start());
    clock.advance(Duration.ofMinutes(29));
    assertEquals(List.of(), await(fresh.cullIdle()));
    clock.advance(Duration.ofMinutes(2));
    assertEquals(List.of(alice), await(fresh.cullIdle()));
  }

  @Test
  void aCrashIsReportedByTheNextEnsure() throws Exception {
    await(manager.ensure(alice));
    runtime.states.put(alice, SandboxStatus.CRASHED);
    SandboxInfo info = await(manager.ensure(alice));
    assertTrue(info.restarted());
    assertEquals("restarted", info.note().orElseThrow());
    assertFalse(await(manager.ensure(alice)).restarted());
  }

  @Test
  void execRetriesOnceWhenTheSandboxWasStoppedInBetween() throws Exception {
    runtime.stopBeforeNextExec = true;
    await(manager.exec(alice, ExecSpec.of("true")).otherwise((SandboxProcess) null));
    assertEquals(2, runtime.execCalls);
    assertEquals(SandboxStatus.RUNNING, runtime.states.get(alice));
  }

  @Test
  void closeStopsEverythingAndRefusesNewWork() throws Exception {
    await(manager.ensure(alice));
    await(manager.close());
    assertTrue(runtime.closed);
    SandboxException e = (SandboxException) manager.ensure(bob).cause();
    assertEquals(SandboxException.Kind.UNAVAILABLE, e.kind());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2025-01-01T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Keeps states in a map; exec fails (with no process) unless told otherwise. */
  private static final class FakeRuntime implements SandboxRuntime {
    final Map<SandboxId, SandboxStatus> states = new ConcurrentHashMap<>();
    boolean closed;
    boolean stopBeforeNextExec;
    int execCalls;

    @Override
    public String kind() {
      return "fake";
    }

    @Override
    public Future<SandboxInfo> ensure(SandboxId id) {
      SandboxStatus before = states.getOrDefault(id, SandboxStatus.NONE);
      states.put(id, SandboxStatus.RUNNING);
      boolean crashed = before == SandboxStatus.CRASHED;
      return Future.succeededFuture(new SandboxInfo(id, SandboxStatus.RUNNING, Optional.of(Instant.now()), crashed,
          crashed ? Optional.of("restarted") : Optional.empty()));
    }

    @Override
    public Future<SandboxProcess> exec(SandboxId id, ExecSpec spec) {
      execCalls++;
      if (stopBeforeNextExec) {
        stopBeforeNextExec = false;
        states.put(id, SandboxStatus.STOPPED);
      }
      if (states.get(id) != SandboxStatus.RUNNING) {
        return Future.failedFuture(new SandboxException(SandboxException.Kind.NOT_RUNNING, "not running"));
      }
      return Future.failedFuture(new UnsupportedOperationException("no processes in this stand-in"));
    }

    @Override
    public Future<Void> stop(SandboxId id) {
      states.computeIfPresent(id, (k, v) -> SandboxStatus.STOPPED);
      return Future.succeededFuture();
    }

    @Override
    public Future<SandboxStatus> status(SandboxId id) {
      return Future.succeededFuture(states.getOrDefault(id, SandboxStatus.NONE));
    }

    @Override
    public Future<List<SandboxInfo>> list() {
      List<SandboxInfo> all = new ArrayList<>();
      states.forEach((id, s) -> all.add(SandboxInfo.of(id, s)));
      return Future.succeededFuture(all);
    }

    @Override
    public Future<Void> reset(SandboxId id) {
      states.put(id, SandboxStatus.STOPPED);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      closed = true;
      states.replaceAll((id, s) -> s == SandboxStatus.RUNNING ? SandboxStatus.STOPPED : s);
      return Future.succeededFuture();
    }
  }
}
