package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.WebSockets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.WebSocket;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.SandboxException;
import org.pocketlab.sandbox.SandboxException.Kind;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.StartProgress;
import org.pocketlab.sandbox.SandboxInfo;
import org.pocketlab.sandbox.SandboxProcess;
import org.pocketlab.sandbox.SandboxRuntime;
import org.pocketlab.sandbox.SandboxSettings;
import org.pocketlab.sandbox.SandboxStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes as pods: one per learner and course in the sandbox namespace, on a workspace volume of its own
 * that outlives the pod. The design, and where it differs from the local runtime, is in the package
 * documentation. Every Kubernetes call runs on this runtime's worker pool; results arrive on the caller's
 * context.
 *
 * <p>The cluster is the shared truth: nothing here is needed to find a sandbox again (labels are), so another
 * replica, or this one after a restart, adopts what runs. {@link #close()} therefore leaves the pods running
 * (the other replicas serve them; a restarted server adopts them) and only ends the execs this replica
 * started.
 */
public final class KubernetesSandboxRuntime implements SandboxRuntime {

  private static final Logger log = LoggerFactory.getLogger(KubernetesSandboxRuntime.class);

  static final String CRASH_NOTE = "Your sandbox stopped unexpectedly and has been started again. Your files are"
      + " kept; programs that were running were ended.";
  /** How often a replica re-asserts that it holds the sandboxes it has execs in; stale after three times that. */
  static final Duration HOLD_REFRESH = Duration.ofMinutes(1);
  static final Duration HOLD_STALE = HOLD_REFRESH.multipliedBy(3);
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  private static final Duration KILL_WAIT = Duration.ofSeconds(20);
  /** A fresh claim that lost a race between two replicas is deleted only this young (older ones may hold work). */
  private static final long FRESH_CLAIM_MILLIS = Duration.ofMinutes(10).toMillis();
  private static final AtomicInteger RUNTIMES = new AtomicInteger();

  private final Vertx vertx;
  private final SandboxSettings limits;
  private final KubernetesSettings settings;
  private final KubeApi api;
  private final SandboxPods specs;
  private final WarmPool pool;
  private final Clock clock;
  private final String replica;
  private final WorkerExecutor worker;
  private final PodWatcher watcher;
  private final Map<SandboxId, Sandbox> sandboxes = new ConcurrentHashMap<>();
  private final Map<String, SandboxId> podOwners = new ConcurrentHashMap<>();
  private final Object podEvents = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean maintaining = new AtomicBoolean();
  private volatile long poolTimer = -1;
  private volatile long holdTimer = -1;
  private Future<Void> closing;

  private KubernetesSandboxRuntime(Vertx vertx, SandboxSettings limits, KubernetesSettings settings, KubeApi api,
      Clock clock, Duration watchBackoff) {
    this.vertx = vertx;
    this.limits = limits;
    this.settings = settings;
    this.api = api;
    this.specs = new SandboxPods(settings, limits);
    this.pool = new WarmPool(api, specs, settings.warmPool(), clock);
    this.clock = clock;
    this.replica = replicaName();
    this.worker = vertx.createSharedWorkerExecutor("k8s-sandbox-" + RUNTIMES.incrementAndGet(), 64, 15,
        TimeUnit.MINUTES);
    this.watcher = new PodWatcher(api, SandboxPods.SELECTOR, new Events(), watchBackoff, Duration.ofSeconds(30));
  }

  /**
   * Connects (credentials as described at {@link KubeApi#connect}), reconciles what the namespace holds, and
   * starts the pod watch and the warm pool. Fails with the API's own words when the namespace cannot be read.
   */
  public static Future<KubernetesSandboxRuntime> create(Vertx vertx, SandboxSettings limits, KubernetesSettings k8s) {
    return create(vertx, limits, k8s, Clock.systemUTC(), Duration.ofMillis(500));
  }

  static Future<KubernetesSandboxRuntime> create(Vertx vertx, SandboxSettings limits, KubernetesSettings k8s,
      Clock clock, Duration watchBackoff) {
    return vertx.executeBlocking(() -> {
      KubeApi api = KubeApi.connect(k8s);
      KubernetesSandboxRuntime runtime = new KubernetesSandboxRuntime(vertx, limits, k8s, api, clock, watchBackoff);
      try {
        runtime.start();
      } catch (RuntimeException e) {
        runtime.worker.close();
        throw e;
      }
      return runtime;
    }, false);
  }

  private void start() {
    settings.imageOrFail();
    reconcile();
    watcher.start();
    maintainPool();
    poolTimer = vertx.setPeriodic(15_000 + (long) (Math.random() * 5_000), t -> maintainPool());
    holdTimer = vertx.setPeriodic(HOLD_REFRESH.toMillis(), t -> refreshHolds());
    log.info("Kubernetes sandboxes: namespace {} at {}, image {}, warm pool {}, memory {} MB, cpu {}%, workspace {}"
            + " MB, start timeout {} s, replica {}", settings.namespace(), api.basePath(), settings.imageOrFail(),
        settings.warmPool(), limits.memoryMb(), limits.cpuPercent(), limits.workspaceMb(),
        settings.startTimeout().toSeconds(), replica);
  }

  @Override
  public String kind() {
    return "kubernetes";
  }

  /** How many times the watch listed the pods (for tests: 1 + reconnects). */
  long podLists() {
    return watcher.lists();
  }

  // ------------------------------------------------------------------------------------- reconciliation

  /**
   * At boot: adopts learners' pods, removes what belongs to nobody (pods without a valid owner, dead pods, warm
   * claims no pod uses), finishes warm claims a dying server left half done, and settles duplicates.
   */
  private void reconcile() {
    List<V1Pod> pods = api.listPods(SandboxPods.SELECTOR).getItems();
    Map<SandboxId, List<V1Pod>> byLearner = new LinkedHashMap<>();
    int removed = 0;
    for (V1Pod pod : pods) {
      if (PodStates.deleting(pod)) continue;
      Optional<SandboxId> owner = SandboxPods.owner(pod.getMetadata());
      if (owner.isPresent()) {
        if (PodStates.failed(pod)) {
          log.info("Sandbox {}: removing its dead pod {} ({}); the next start says it restarted", owner.get(),
              PodStates.name(pod), PodStates.failure(pod));
          api.deletePod(PodStates.name(pod));
          removed++;
        } else {
          byLearner.computeIfAbsent(owner.get(), k -> new ArrayList<>()).add(pod);
        }
      } else if (!SandboxPods.isWarm(pod.getMetadata())) {
        log.warn("Removing orphan pod {}: our labels, but no valid owner", PodStates.name(pod));
        api.deletePod(PodStates.name(pod));
        removed++;
      }
    }
    int adopted = 0;
    for (Map.Entry<SandboxId, List<V1Pod>> e : byLearner.entrySet()) {
      V1Pod pod = e.getValue().size() > 1 ? settleDuplicates(e.getKey()).orElse(null) : e.getValue().get(0);
      if (pod == null) continue;
      podOwners.put(PodStates.name(pod), e.getKey());
      if (PodStates.ready(pod)) {
        Sandbox sb = sandbox(e.getKey());
        synchronized (sb) {
          sb.adopt(pod);
        }
        adopted++;
      }
    }
    long now = clock.millis();
    for (V1PersistentVolumeClaim claim : api.listClaims(SandboxPods.SELECTOR)) {
      if (claim.getMetadata().getDeletionTimestamp() != null || !SandboxPods.isWarm(claim.getMetadata())) continue;
      String name = claim.getMetadata().getName();
      Optional<V1Pod> user = pods.stream()
          .filter(p -> SandboxPods.claimOf(p).map(name::equals).orElse(false) && !PodStates.deleting(p)).findFirst();
      Optional<SandboxId> claimedBy = user.flatMap(p -> SandboxPods.owner(p.getMetadata()));
      if (claimedBy.isPresent()) {
        log.info("Finishing the claim of warm workspace {} for {}", name, claimedBy.get());
        pool.relabelClaim(name, claimedBy.get(), SandboxPods.assignedAt(user.get().getMetadata()));
      } else if (WarmPool.unused(claim, pods, now, Duration.ofMinutes(2).toMillis())) {
        log.info("Removing warm workspace claim {}: no pod uses it", name);
        api.deleteClaim(name);
        removed++;
      }
    }
    log.info("Kubernetes sandboxes reconciled: {} running sandbox(es) adopted, {} orphan object(s) removed",
        adopted, removed);
  }

  /**
   * Two servers that started the same learner's sandbox at once (a warm claim each) leave two pods: the one
   * assigned first wins, everywhere, and the others go, with their fresh workspace claims.
   */
  private Optional<V1Pod> settleDuplicates(SandboxId id) {
    List<V1Pod> pods = new ArrayList<>(learnerPods(id).stream()
        .filter(p -> !PodStates.deleting(p) && !PodStates.failed(p)).toList());
    if (pods.size() <= 1) return pods.stream().findFirst();
    pods.sort(Comparator.comparingLong((V1Pod p) -> SandboxPods.assignedAt(p.getMetadata()))
        .thenComparing(PodStates::name));
    V1Pod winner = pods.get(0);
    Optional<String> keep = SandboxPods.claimOf(winner);
    for (V1Pod loser : pods.subList(1, pods.size())) {
      log.warn("Sandbox {} has two pods; keeping {}, removing {}", id, PodStates.name(winner), PodStates.name(loser));
      api.deletePod(PodStates.name(loser));
      Optional<String> claim = SandboxPods.claimOf(loser);
      long age = clock.millis() - SandboxPods.assignedAt(loser.getMetadata());
      if (claim.isPresent() && !claim.equals(keep) && age >= 0 && age < FRESH_CLAIM_MILLIS) {
        api.deleteClaim(claim.get());
      }
    }
    return Optional.of(winner);
  }

  // --------------------------------------------------------------------------------------------- ensure

  @Override
  public Future<SandboxInfo> ensure(SandboxId id) {
    return blocking(() -> {
      Sandbox sb = sandbox(id);
      synchronized (sb) {
        return ensureLocked(sb);
      }
    });
  }

  private SandboxInfo ensureLocked(Sandbox sb) {
    SandboxId id = sb.id;
    long deadline = System.nanoTime() + settings.startTimeout().toNanos();
    for (int round = 0; ; round++) {
      checkOpen();
      List<V1Pod> pods = learnerPods(id);
      Optional<V1Pod> usable = best(pods, PodStates::ready);
      if (usable.isPresent()) {
        V1Pod pod = pods.stream().filter(p -> !PodStates.deleting(p) && !PodStates.failed(p)).count() > 1
            ? settleDuplicates(id).orElse(usable.get()) : usable.get();
        if (PodStates.ready(pod)) return running(sb, pod, null);
      }
      Optional<V1PersistentVolumeClaim> claim = learnerClaim(id);
      boolean crashed = pods.stream().anyMatch(p -> PodStates.failed(p) && !PodStates.deleting(p))
          || claim.map(c -> annotation(c.getMetadata().getAnnotations(), SandboxPods.EXPECTED_RUNNING) != null)
              .orElse(false);
      endProcesses(sb);
      for (V1Pod dead : pods) {
        if (PodStates.failed(dead) && !PodStates.deleting(dead)) {
          log.warn("Sandbox {}: pod {} died ({}); starting a new one", id, PodStates.name(dead), PodStates.failure(dead));
          api.deletePod(PodStates.name(dead));
        }
      }
      String podName = best(pods, p -> !PodStates.failed(p)).map(PodStates::name) // one is starting already
          .orElseGet(() -> startPod(id, claim, deadline));
      Optional<V1Pod> ready = awaitReady(id, podName, deadline);
      if (ready.isEmpty()) {
        if (round < 3) continue; // removed meanwhile (a duplicate, say): look again
        throw new SandboxException(Kind.UNAVAILABLE, "Your sandbox could not be started. Please try again in a"
            + " moment; if it keeps failing, tell your instructor.");
      }
      V1Pod pod = settleDuplicates(id).orElse(ready.get());
      if (!PodStates.ready(pod)) continue;
      SandboxPods.claimOf(pod).ifPresent(c -> api.patchClaim(c, annotationsPatch(
          Map.of(SandboxPods.EXPECTED_RUNNING, "true"))));
      new StartProgress(id, "ready", "Your sandbox is ready.").publish(vertx);
      return running(sb, pod, crashed ? CRASH_NOTE : null);
    }
  }

  /** A pod for the learner: a warm one if they have no workspace yet, else a new one on their workspace. */
  private String startPod(SandboxId id, Optional<V1PersistentVolumeClaim> claim, long deadline) {
    Map<String, String> annotations = SandboxPods.learnerAnnotations(id, clock.millis());
    annotations.putAll(holdAnnotations());
    if (claim.isEmpty()) {
      Optional<String> warm = pool.claim(id, annotations);
      if (warm.isPresent()) {
        new StartProgress(id, "claimed", "Your sandbox is ready.").publish(vertx);
        maintainPool();
        return warm.get();
      }
      createClaim(id, annotations, deadline);
    }
    String claimName = claim.map(c -> c.getMetadata().getName()).orElse(SandboxPods.claimName(id));
    Optional<String> reset = claim.map(c -> annotation(c.getMetadata().getAnnotations(), SandboxPods.RESET));
    V1Pod pod = specs.pod(SandboxPods.podName(id), SandboxPods.learnerLabels(id), annotations, claimName, reset);
    String name = PodStates.name(pod);
    new StartProgress(id, "scheduling", "Starting your sandbox…").publish(vertx);
    while (true) {
      checkOpen();
      if (api.createPod(pod)) {
        log.info("Sandbox {}: created pod {} on workspace {}", id, name, claimName);
        return name;
      }
      // 409: the name is taken. By a live pod (another server was quicker): use it. By one on its way out: wait.
      Optional<V1Pod> existing = api.readPod(name);
      if (existing.isPresent() && !PodStates.deleting(existing.get()) && !PodStates.failed(existing.get())) return name;
      if (existing.isPresent() && !PodStates.deleting(existing.get())) api.deletePod(name);
      if (existing.isPresent()) awaitGone(name, deadline);
      if (System.nanoTime() > deadline) throw timeout(id, "the previous pod is still shutting down");
    }
  }

  /** The learner's first workspace; a 409 means another server made it (or it is on its way out: wait). */
  private void createClaim(SandboxId id, Map<String, String> annotations, long deadline) {
    String name = SandboxPods.claimName(id);
    while (!api.createClaim(specs.claim(name, SandboxPods.learnerLabels(id), annotations))) {
      Optional<V1PersistentVolumeClaim> existing = api.readClaim(name);
      if (existing.isPresent() && existing.get().getMetadata().getDeletionTimestamp() == null) return;
      if (System.nanoTime() > deadline) throw timeout(id, "the previous workspace is still being removed");
      if (existing.isPresent()) awaitPodEvent(500);
    }
  }

  /** Waits until the pod is ready (empty if it disappeared), failing with a clear message after the deadline. */
  private Optional<V1Pod> awaitReady(SandboxId id, String name, long deadline) {
    String lastStage = null;
    while (true) {
      checkOpen();
      Optional<V1Pod> found = api.readPod(name);
      if (found.isEmpty() || PodStates.deleting(found.get())) return Optional.empty();
      V1Pod pod = found.get();
      podOwners.put(name, id);
      if (PodStates.ready(pod)) return found;
      if (PodStates.failed(pod)) {
        log.warn("Sandbox {}: pod {} failed while starting: {}", id, name, PodStates.failure(pod));
        api.deletePod(name);
        new StartProgress(id, "failed", "Your sandbox stopped while starting.").publish(vertx);
        throw new SandboxException(Kind.UNAVAILABLE, "Your sandbox stopped while starting. Please try again; if it"
            + " keeps happening, tell your instructor.");
      }
      PodStates.Stage stage = PodStates.stage(pod);
      if (!stage.message().equals(lastStage)) {
        lastStage = stage.message();
        new StartProgress(id, stage.key(), stage.message()).publish(vertx);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) throw timeout(id, stage.message());
      awaitPodEvent(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 1000));
    }
  }

  private SandboxException timeout(SandboxId id, String stage) {
    long seconds = settings.startTimeout().toSeconds();
    log.warn("Sandbox {} did not start within {} s; last state: {}", id, seconds, stage);
    new StartProgress(id, "failed", "Your sandbox did not start in time.").publish(vertx);
    return new SandboxException(Kind.UNAVAILABLE, "Your sandbox did not start within " + seconds + " s (last step: "
        + stripEllipsis(stage) + "). Please try again in a minute; if it keeps happening, tell your instructor.");
  }

  private void awaitGone(String name, long deadline) {
    while (api.readPod(name).isPresent()) {
      if (System.nanoTime() > deadline) return;
      awaitPodEvent(500);
    }
  }

  private SandboxInfo running(Sandbox sb, V1Pod pod, String note) {
    if (!PodStates.name(pod).equals(sb.podName) || !sb.running) sb.adopt(pod);
    podOwners.put(sb.podName, sb.id);
    hold(pod);
    return new SandboxInfo(sb.id, SandboxStatus.RUNNING, Optional.ofNullable(sb.startedAt), note != null,
        Optional.ofNullable(note));
  }

  // ----------------------------------------------------------------------------------------------- exec

  @Override
  public Future<SandboxProcess> exec(SandboxId id, ExecSpec spec) {
    Context caller = Optional.ofNullable(Vertx.currentContext()).orElseGet(vertx::getOrCreateContext);
    return blocking(() -> {
      Sandbox sb = sandbox(id);
      String pod;
      synchronized (sb) {
        checkOpen();
        if (!sb.running) { // another replica may have started it
          best(learnerPods(id), PodStates::ready).ifPresent(sb::adopt);
          if (!sb.running) throw new SandboxException(Kind.NOT_RUNNING, "Your sandbox is not running.");
        }
        pod = sb.podName;
      }
      String execId = UUID.randomUUID().toString();
      long limit = spec.outputLimit().orElse(spec.isPty() ? Long.MAX_VALUE : limits.outputBytes());
      PodProcess[] self = new PodProcess[1];
      PodProcess process = new PodProcess(vertx, caller, id, execId, spec.pty(), limit,
          p -> killExec(pod, p.execId()), () -> sb.processes.remove(self[0]),
          () -> worker.executeBlocking(() -> api.readPod(pod).map(x -> !PodStates.ready(x)).orElse(true), false));
      self[0] = process;
      sb.processes.add(process);
      api.exec(pod, SandboxPods.CONTAINER, ExecCommands.wrap(execId, spec, limits.fileSizeBytes()), spec.isPty(),
          process);
      return process;
    }).compose(p -> p.opened().onSuccess(opened -> {
      Optional<Duration> wall = spec.wallTime().or(() -> spec.isPty() ? Optional.empty()
          : Optional.of(Duration.ofSeconds(limits.wallSeconds())));
      wall.ifPresent(p::wallTime);
    }).onFailure(e -> {
      if (e instanceof SandboxException se && se.kind() == Kind.NOT_RUNNING) forget(id);
    }));
  }

  /** Runs the kill exec for one exec of ours; completes when its processes are gone. */
  private Future<Void> killExec(String pod, String execId) {
    return worker.executeBlocking(() -> {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      api.exec(pod, SandboxPods.CONTAINER, ExecCommands.kill(execId), false, new OneShot(done));
      Integer code = done.get(KILL_WAIT.toSeconds(), TimeUnit.SECONDS);
      if (code == null || code != 0) throw new IllegalStateException("the kill exec ended with " + code);
      return (Void) null;
    }, false);
  }

  // ------------------------------------------------------------------------------------ stop, reset, etc.

  @Override
  public Future<Void> stop(SandboxId id) {
    return blocking(() -> {
      Sandbox sb = sandbox(id);
      synchronized (sb) {
        stopLocked(sb);
      }
      return null;
    });
  }

  /** Deletes the pod (the workspace claim stays) and waits until it is gone, so nothing of it runs on. */
  private void stopLocked(Sandbox sb) {
    sb.stopping = true;
    for (PodProcess p : sb.processes) p.sandboxStopping();
    List<V1Pod> pods = learnerPods(sb.id);
    for (V1Pod pod : pods) api.deletePod(PodStates.name(pod));
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    for (V1Pod pod : pods) awaitGone(PodStates.name(pod), deadline);
    endProcesses(sb);
    learnerClaim(sb.id).ifPresent(c -> {
      if (annotation(c.getMetadata().getAnnotations(), SandboxPods.EXPECTED_RUNNING) != null) {
        api.patchClaim(c.getMetadata().getName(), annotationsPatch(nullValue(SandboxPods.EXPECTED_RUNNING)));
      }
    });
    if (sb.running || !pods.isEmpty()) log.info("Sandbox {} stopped (its workspace is kept)", sb.id);
    sb.stopped();
  }

  @Override
  public Future<SandboxStatus> status(SandboxId id) {
    return blocking(() -> status(learnerPods(id), learnerClaim(id)));
  }

  private static SandboxStatus status(List<V1Pod> pods, Optional<V1PersistentVolumeClaim> claim) {
    List<V1Pod> present = pods.stream().filter(p -> !PodStates.deleting(p)).toList();
    if (present.stream().anyMatch(PodStates::ready)) return SandboxStatus.RUNNING;
    if (present.stream().anyMatch(PodStates::failed)) return SandboxStatus.CRASHED;
    boolean expected = claim.map(c -> annotation(c.getMetadata().getAnnotations(), SandboxPods.EXPECTED_RUNNING) != null)
        .orElse(false);
    if (expected && present.isEmpty()) return SandboxStatus.CRASHED; // its pod vanished (node lost, evicted, ...)
    return claim.isPresent() || !present.isEmpty() ? SandboxStatus.STOPPED : SandboxStatus.NONE;
  }

  /**
   * The learners' sandboxes this replica answers for: all but those another live replica holds (it has
   * execs in them or started them lately), so that one replica's idle culling never stops a sandbox
   * someone is using through another.
   */
  @Override
  public Future<List<SandboxInfo>> list() {
    return blocking(() -> {
      String learners = SandboxPods.SELECTOR + "," + SandboxPods.ROLE + "=" + SandboxPods.ROLE_LEARNER;
      Map<SandboxId, List<V1Pod>> pods = new LinkedHashMap<>();
      Map<SandboxId, V1PersistentVolumeClaim> claims = new HashMap<>();
      for (V1Pod pod : api.listPods(learners).getItems()) {
        SandboxPods.owner(pod.getMetadata()).ifPresent(id -> pods.computeIfAbsent(id, k -> new ArrayList<>()).add(pod));
      }
      for (V1PersistentVolumeClaim claim : api.listClaims(learners)) {
        if (claim.getMetadata().getDeletionTimestamp() != null) continue;
        SandboxPods.owner(claim.getMetadata()).ifPresent(id -> claims.merge(id, claim,
            (a, b) -> SandboxPods.assignedAt(a.getMetadata()) <= SandboxPods.assignedAt(b.getMetadata()) ? a : b));
        SandboxPods.owner(claim.getMetadata()).ifPresent(id -> pods.computeIfAbsent(id, k -> new ArrayList<>()));
      }
      List<SandboxInfo> infos = new ArrayList<>();
      long now = clock.millis();
      for (Map.Entry<SandboxId, List<V1Pod>> e : pods.entrySet()) {
        SandboxStatus status = status(e.getValue(), Optional.ofNullable(claims.get(e.getKey())));
        Optional<V1Pod> ready = best(e.getValue(), PodStates::ready);
        if (status == SandboxStatus.RUNNING && heldElsewhere(ready.get(), now)) continue;
        infos.add(new SandboxInfo(e.getKey(), status,
            status == SandboxStatus.RUNNING ? PodStates.startedAt(ready.get()) : Optional.empty(), false,
            Optional.empty()));
      }
      return infos;
    });
  }

  /** A new token on the claim: the next pod's init container wipes the workspace back to the starter. */
  @Override
  public Future<Void> reset(SandboxId id) {
    return blocking(() -> {
      Sandbox sb = sandbox(id);
      synchronized (sb) {
        checkOpen();
        stopLocked(sb);
        learnerClaim(id).ifPresent(c -> api.patchClaim(c.getMetadata().getName(),
            annotationsPatch(Map.of(SandboxPods.RESET, UUID.randomUUID().toString()))));
        log.info("Sandbox {}: its workspace goes back to the starter project on the next start", id);
      }
      return null;
    });
  }

  /** Ends the execs this replica started (their processes are killed); the pods stay, see the class doc. */
  @Override
  public synchronized Future<Void> close() {
    if (closing != null) return closing;
    closed.set(true);
    if (poolTimer >= 0) vertx.cancelTimer(poolTimer);
    if (holdTimer >= 0) vertx.cancelTimer(holdTimer);
    watcher.close();
    List<Future<Void>> kills = new ArrayList<>();
    for (Sandbox sb : sandboxes.values()) {
      for (PodProcess p : sb.processes) {
        kills.add(p.kill().timeout(KILL_WAIT.toSeconds(), TimeUnit.SECONDS).otherwiseEmpty());
      }
    }
    synchronized (podEvents) {
      podEvents.notifyAll();
    }
    List<String> held = sandboxes.values().stream().filter(sb -> sb.running && sb.podName != null)
        .map(sb -> sb.podName).toList();
    closing = Future.join(kills).otherwiseEmpty()
        .compose(v -> worker.executeBlocking(() -> {
          for (String pod : held) releaseHold(pod);
          return (Void) null;
        }, false))
        .otherwiseEmpty()
        .eventually(() -> {
          for (Sandbox sb : sandboxes.values()) for (PodProcess p : sb.processes) p.abandon();
          return worker.close();
        });
    return closing;
  }

  /** A replica going away lets the others answer for its sandboxes at once (their culling included). */
  private void releaseHold(String pod) {
    try {
      api.readPod(pod).filter(p -> replica.equals(annotation(p.getMetadata().getAnnotations(), SandboxPods.HELD_BY)))
          .ifPresent(p -> {
            Map<String, Object> release = nullValue(SandboxPods.HELD_BY);
            release.put(SandboxPods.HELD_AT, null);
            api.patchPod(pod, new JsonObject().put("metadata", new JsonObject()
                .put("resourceVersion", p.getMetadata().getResourceVersion())
                .put("annotations", new JsonObject(release))).encode());
          });
    } catch (KubeApi.Failure f) {
      log.debug("Could not release the hold on pod {}: {}", pod, f.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------- holding, pool

  /** Marks the pod as held by this replica, when it is not yet or the mark is getting old. */
  private void hold(V1Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    boolean mine = replica.equals(annotation(a, SandboxPods.HELD_BY));
    if (mine && heldAt(pod) + HOLD_REFRESH.toMillis() / 2 > clock.millis()) return;
    api.patchPod(PodStates.name(pod), annotationsPatch(holdAnnotations()));
  }

  private Map<String, String> holdAnnotations() {
    return Map.of(SandboxPods.HELD_BY, replica, SandboxPods.HELD_AT, Long.toString(clock.millis()));
  }

  private boolean heldElsewhere(V1Pod pod, long now) {
    String by = annotation(pod.getMetadata().getAnnotations(), SandboxPods.HELD_BY);
    return by != null && !by.equals(replica) && heldAt(pod) + HOLD_STALE.toMillis() > now;
  }

  private static long heldAt(V1Pod pod) {
    try {
      return Long.parseLong(annotation(pod.getMetadata().getAnnotations(), SandboxPods.HELD_AT));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Every minute: re-asserts the hold on sandboxes with live execs here (a terminal open on this replica). */
  private void refreshHolds() {
    if (closed.get()) return;
    worker.executeBlocking(() -> {
      for (Sandbox sb : sandboxes.values()) {
        String pod = sb.podName;
        if (sb.running && pod != null && !sb.processes.isEmpty()) {
          api.patchPod(pod, annotationsPatch(holdAnnotations()));
        }
      }
      return null;
    }, false).onFailure(e -> log.warn("Refreshing sandbox holds failed: {}", e.getMessage()));
  }

  private void maintainPool() {
    if (closed.get() || !maintaining.compareAndSet(false, true)) return;
    worker.executeBlocking(() -> {
      pool.maintain();
      return null;
    }, false).onComplete(ar -> {
      maintaining.set(false);
      if (ar.failed() && !closed.get()) log.warn("Keeping the warm pool failed: {}", ar.cause().getMessage());
    });
  }

  // ------------------------------------------------------------------------------------------ pod events

  /** The watch: wakes start-ups waiting for a pod, and ends this replica's execs in pods that died. */
  private final class Events implements PodWatcher.Listener {
    @Override
    public void listed(List<V1Pod> pods) {
      Set<String> present = new java.util.HashSet<>();
      for (V1Pod pod : pods) {
        present.add(PodStates.name(pod));
        changed("MODIFIED", pod);
      }
      for (Sandbox sb : sandboxes.values()) {
        String name = sb.podName;
        if (sb.running && name != null && !present.contains(name)) lost(sb, name, "it is gone");
      }
    }

    @Override
    public void changed(String type, V1Pod pod) {
      String name = PodStates.name(pod);
      SandboxId id = SandboxPods.owner(pod.getMetadata()).orElse(podOwners.get(name));
      Sandbox sb = id == null ? null : sandboxes.get(id);
      if (sb != null && sb.running && name.equals(sb.podName)) {
        if ("DELETED".equals(type)) lost(sb, name, "it was deleted");
        else if (PodStates.failed(pod)) lost(sb, name, PodStates.failure(pod));
      }
      if (SandboxPods.isWarm(pod.getMetadata()) && ("DELETED".equals(type) || PodStates.failed(pod))) maintainPool();
      synchronized (podEvents) {
        podEvents.notifyAll();
      }
    }

    /** Not stopped by us: its execs here end, and its next ensure starts a new one and says so. */
    private void lost(Sandbox sb, String pod, String why) {
      if (sb.stopping) return;
      log.warn("Sandbox {} crashed: its pod {} ended unexpectedly ({})", sb.id, pod, why);
      sb.running = false;
      for (PodProcess p : sb.processes) p.abandon();
    }
  }

  private void awaitPodEvent(long millis) {
    synchronized (podEvents) {
      try {
        podEvents.wait(Math.max(1, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SandboxException(Kind.UNAVAILABLE, "Sandboxes are shutting down.");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private List<V1Pod> learnerPods(SandboxId id) {
    return api.listPods(SandboxPods.selectorOf(id)).getItems();
  }

  /** The learner's workspace claim; of two (a race between replicas), the one assigned first. */
  private Optional<V1PersistentVolumeClaim> learnerClaim(SandboxId id) {
    return api.listClaims(SandboxPods.selectorOf(id)).stream()
        .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
        .min(Comparator.comparingLong((V1PersistentVolumeClaim c) -> SandboxPods.assignedAt(c.getMetadata()))
            .thenComparing(c -> c.getMetadata().getName()));
  }

  /** Of the pods not being deleted that pass {@code test}, the one assigned first. */
  private static Optional<V1Pod> best(List<V1Pod> pods, java.util.function.Predicate<V1Pod> test) {
    return pods.stream().filter(p -> !PodStates.deleting(p)).filter(test)
        .min(Comparator.comparingLong((V1Pod p) -> SandboxPods.assignedAt(p.getMetadata())).thenComparing(PodStates::name));
  }

  private void endProcesses(Sandbox sb) {
    for (PodProcess p : sb.processes) p.abandon();
  }

  private void forget(SandboxId id) {
    Sandbox sb = sandboxes.get(id);
    if (sb != null) sb.running = false;
  }

  private static String annotation(Map<String, String> annotations, String key) {
    return annotations == null ? null : annotations.get(key);
  }

  private static String annotationsPatch(Map<String, ?> annotations) {
    return new JsonObject().put("metadata", new JsonObject().put("annotations", new JsonObject(new HashMap<>(annotations))))
        .encode();
  }

  private static Map<String, Object> nullValue(String key) {
    Map<String, Object> m = new HashMap<>();
    m.put(key, null); // merge patch: null removes
    return m;
  }

  private static String stripEllipsis(String s) {
    return s.endsWith("…") ? s.substring(0, s.length() - 1) : s;
  }

  private Sandbox sandbox(SandboxId id) {
    return sandboxes.computeIfAbsent(id, Sandbox::new);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    if (closed.get()) return Future.failedFuture(shuttingDown());
    return worker.<T>executeBlocking(() -> {
      try {
        return work.call();
      } catch (KubeApi.Failure f) {
        log.warn("Kubernetes API: {}", f.getMessage());
        throw new SandboxException(Kind.UNAVAILABLE, "The sandbox service is not reachable right now. Please try"
            + " again in a minute; if it keeps failing, tell your instructor.", f);
      }
    }, false);
  }

  private void checkOpen() {
    if (closed.get()) throw shuttingDown();
  }

  private static SandboxException shuttingDown() {
    return new SandboxException(Kind.UNAVAILABLE, "Sandboxes are shutting down.");
  }

  private static String replicaName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        host = "server";
      }
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** One learner's sandbox as this replica knows it; guarded by its own monitor (fields read racily are volatile). */
  private static final class Sandbox {
    final SandboxId id;
    final Set<PodProcess> processes = ConcurrentHashMap.newKeySet();
    volatile String podName;
    volatile boolean running;
    volatile boolean stopping;
    volatile Instant startedAt;

    Sandbox(SandboxId id) {
      this.id = id;
    }

    void adopt(V1Pod pod) {
      podName = PodStates.name(pod);
      running = true;
      stopping = false;
      startedAt = PodStates.startedAt(pod).orElse(Instant.now());
    }

    void stopped() {
      running = false;
      stopping = false;
      podName = null;
      startedAt = null;
    }
  }

  /** Waits for one short exec (the kill) to end: its exit code, or null if the connection ended without one. */
  private static final class OneShot implements WebSockets.SocketListener {
    private final CompletableFuture<Integer> done;

    OneShot(CompletableFuture<Integer> done) {
      this.done = done;
    }

    @Override
    public void open(String protocol, WebSocket socket) {}

    @Override
    public void bytesMessage(InputStream in) {
      try {
        if (in.read() == PodProcess.STATUS) done.complete(PodProcess.exitCode(new String(in.readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8)));
      } catch (java.io.IOException ignored) {
        // a byte array: cannot fail
      }
    }

    @Override
    public void textMessage(Reader in) {}

    @Override
    public void failure(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void close() {
      done.complete(null);
    }
  }
}
