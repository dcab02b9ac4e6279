package org.pocketlab.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of every learner's sandboxes on top of a {@link SandboxRuntime}: started on first need,
 * stopped after {@code idleMinutes} without activity, started again on the next need, all stopped at
 * shutdown. A sandbox that crashed is restarted by the next {@link #ensure} (or run), whose
 * {@link SandboxInfo#restarted()} and {@link SandboxInfo#note()} tell the UI to say so.
 *
 * <p>Activity is what {@link #touch} records: call it on terminal input (and {@link #ensure} and
 * {@link #exec} count themselves); an open browser tab alone keeps nothing alive. Activity lives in memory: after
 * a server restart every running sandbox gets a fresh idle period (the local runtime has none then anyway).
 */
public final class SandboxManager {

  private static final Logger log = LoggerFactory.getLogger(SandboxManager.class);

  private final Vertx vertx;
  private final SandboxRuntime runtime;
  private final Duration idleAfter;
  private final Duration checkEvery;
  private final Clock clock;
  private final Map<SandboxId, Instant> lastActive = new ConcurrentHashMap<>();
  private volatile long timer = -1;
  private volatile boolean closed;

  /** Culls after {@code settings.idleMinutes()}, checking every minute (or a quarter of that, if shorter). */
  public SandboxManager(Vertx vertx, SandboxRuntime runtime, SandboxSettings settings) {
    this(vertx, runtime, Duration.ofMinutes(settings.idleMinutes()),
        min(Duration.ofMinutes(1), Duration.ofMinutes(settings.idleMinutes()).dividedBy(4)), Clock.systemUTC());
  }

  public SandboxManager(Vertx vertx, SandboxRuntime runtime, Duration idleAfter, Duration checkEvery, Clock clock) {
    if (idleAfter.isNegative() || checkEvery.toMillis() < 1) {
      throw new IllegalArgumentException("Idle time must not be negative and the check interval at least 1 ms");
    }
    this.vertx = vertx;
    this.runtime = runtime;
    this.idleAfter = idleAfter;
    this.checkEvery = checkEvery;
    this.clock = clock;
  }

  /** Adopts what the runtime already runs (a fresh idle period each) and starts the idle check. */
  public Future<Void> start() {
    return runtime.list().map(infos -> {
      Instant now = clock.instant();
      for (SandboxInfo info : infos) {
        if (info.status() == SandboxStatus.RUNNING) lastActive.putIfAbsent(info.id(), now);
      }
      timer = vertx.setPeriodic(checkEvery.toMillis(), t -> cullIdle()
          .onFailure(e -> log.warn("Culling idle sandboxes failed", e)));
      log.info("Sandbox manager ({} runtime): {} running sandbox(es) adopted, idle after {}", runtime.kind(),
          lastActive.size(), idleAfter);
      return null;
    });
  }

  /** Records activity: the sandbox's idle period starts again. */
  public void touch(SandboxId id) {
    lastActive.put(id, clock.instant());
  }

  /** Starts the sandbox unless running (see {@link SandboxRuntime#ensure}) and counts as activity. */
  public Future<SandboxInfo> ensure(SandboxId id) {
    if (closed) return Future.failedFuture(shuttingDown());
    touch(id);
    return runtime.ensure(id);
  }

  /**
   * Runs a command, starting the sandbox first if needed. The start and the end of the run count as
   * activity. If the sandbox was culled between the two steps, it is started once more.
   */
  public Future<SandboxProcess> exec(SandboxId id, ExecSpec spec) {
    return ensure(id)
        .compose(info -> runtime.exec(id, spec))
        .recover(e -> e instanceof SandboxException se && se.kind() == SandboxException.Kind.NOT_RUNNING
            ? ensure(id).compose(info -> runtime.exec(id, spec))
            : Future.failedFuture(e))
        .onSuccess(p -> {
          touch(id);
          p.exit().onComplete(x -> touch(id));
        });
  }

  /** The terminal: an interactive shell on a fresh PTY. */
  public Future<SandboxProcess> openShell(SandboxId id, int cols, int rows) {
    return exec(id, ExecSpec.shell(cols, rows));
  }

  public Future<SandboxStatus> status(SandboxId id) {
    return runtime.status(id);
  }

  public Future<List<SandboxInfo>> list() {
    return runtime.list();
  }

  public Future<Void> stop(SandboxId id) {
    lastActive.remove(id);
    return runtime.stop(id);
  }

  /** Replaces the workspace with the starter project (the UI asks the learner first); the sandbox stops. */
  public Future<Void> reset(SandboxId id) {
    lastActive.remove(id);
    return runtime.reset(id);
  }

  /** Stops every running sandbox idle for longer than the idle time; returns the ones stopped. */
  public Future<List<SandboxId>> cullIdle() {
    if (closed) return Future.succeededFuture(List.of());
    return runtime.list().compose(infos -> {
      Instant now = clock.instant();
      List<SandboxId> idle = new ArrayList<>();
      for (SandboxInfo info : infos) {
        if (info.status() != SandboxStatus.RUNNING) continue;
        Instant last = lastActive.putIfAbsent(info.id(), now); // unknown: adopt, give it a full period
        if (last != null && !last.plus(idleAfter).isAfter(now)) idle.add(info.id());
      }
      List<Future<SandboxId>> stops = new ArrayList<>();
      for (SandboxId id : idle) {
        Instant seen = lastActive.get(id);
        if (seen != null && seen.plus(idleAfter).isAfter(clock.instant())) continue; // touched meanwhile
        lastActive.remove(id);
        log.info("Sandbox {} idle for {}: stopping it (files are kept)", id, idleAfter);
        stops.add(runtime.stop(id).map(id));
      }
      return Future.all(stops).map(all -> {
        List<SandboxId> stopped = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) stopped.add(all.resultAt(i));
        return stopped;
      });
    });
  }

  /** Stops every sandbox and closes the runtime. */
  public Future<Void> close() {
    closed = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    lastActive.clear();
    return runtime.close();
  }

  private static SandboxException shuttingDown() {
    return new SandboxException(SandboxException.Kind.UNAVAILABLE, "Sandboxes are shutting down.");
  }

  private static Duration min(Duration a, Duration b) {
    Duration m = a.compareTo(b) <= 0 ? a : b;
    return m.toMillis() < 1000 ? Duration.ofSeconds(1) : m;
  }
}
