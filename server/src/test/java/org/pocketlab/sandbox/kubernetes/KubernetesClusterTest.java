package org.pocketlab.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.SandboxException;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.StartProgress;
import org.pocketlab.sandbox.SandboxInfo;
import org.pocketlab.sandbox.SandboxManager;
import org.pocketlab.sandbox.SandboxProcess;
import org.pocketlab.sandbox.SandboxStatus;

/**
 * What only the Kubernetes runtime does, against the API-server stand-in: the pod it asks for, idempotent
 * creates and 409s, several server replicas, adoption and orphans at boot, the warm pool, culling that keeps
 * the workspace, the start timeout, retries with backoff, watch reconnects, and crashes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesClusterTest {

  private static final String NS = KubernetesSandboxRuntimeTest.NAMESPACE;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger ids = new AtomicInteger();

  private Vertx vertx;
  private Path dataDir;
  private FakeKubeApi cluster;
  private final List<KubernetesSandboxRuntime> runtimes = new ArrayList<>();

  @BeforeEach
  void startCluster() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("pocketlab-k8s-cluster-test-");
    cluster = new FakeKubeApi(vertx, dataDir, Map.of(SandboxPods.STARTER, KubernetesSandboxRuntimeTest.STARTER),
        List.of("v5.channel.k8s.io", "v4.channel.k8s.io"));
  }

  @AfterEach
  void stopCluster() throws Exception {
    try {
      for (KubernetesSandboxRuntime rt : runtimes) await(rt.close());
      cluster.close();
      await(vertx.close());
    } finally {
      KubernetesSandboxRuntimeTest.deleteTree(dataDir);
    }
  }

  // ------------------------------------------------------------------------------------------- the pod

  @Test
  void thePodMeetsTheRestrictedProfileHasItsLimitsAndNoToken() throws Exception {
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxId id = newId();
    await(rt.ensure(id));
    V1Pod pod = typed(onlyPodOf(id), V1Pod.class);

    assertEquals(List.of(), RestrictedProfile.violations(pod.getSpec()));
    assertEquals(Boolean.FALSE, pod.getSpec().getAutomountServiceAccountToken(), "no service-account token");
    assertEquals(Boolean.FALSE, pod.getSpec().getEnableServiceLinks());
    assertEquals(1000L, pod.getSpec().getSecurityContext().getRunAsUser());
    assertEquals(Map.of(SandboxPods.MANAGED_BY, "pocketlab", SandboxPods.COMPONENT, "sandbox", SandboxPods.ROLE, "learner",
        SandboxPods.SANDBOX, id.name()), pod.getMetadata().getLabels());
    assertEquals(id.owner(), pod.getMetadata().getAnnotations().get(SandboxPods.OWNER));
    assertEquals(id.course(), pod.getMetadata().getAnnotations().get(SandboxPods.COURSE));
    assertEquals(id.name(), pod.getMetadata().getName(), "a cold start's pod is named after the sandbox");

    V1Container sandbox = pod.getSpec().getContainers().get(0);
    assertEquals(KubernetesSandboxRuntimeTest.IMAGE, sandbox.getImage());
    assertEquals(Boolean.TRUE, sandbox.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(mib(512), sandbox.getResources().getLimits().get("memory").getNumber(), "memory limit = the setting");
    assertEquals(new BigDecimal("1"), sandbox.getResources().getLimits().get("cpu").getNumber().stripTrailingZeros(),
        "100% = one core");
    assertEquals(mib(64), sandbox.getResources().getRequests().get("memory").getNumber());
    assertEquals(new BigDecimal("0.1"), sandbox.getResources().getRequests().get("cpu").getNumber().stripTrailingZeros());
    assertEquals(SandboxPods.claimName(id), SandboxPods.claimOf(pod).orElseThrow());

    V1PersistentVolumeClaim claim = typed(cluster.get("persistentvolumeclaims", NS, SandboxPods.claimName(id))
        .orElseThrow(), V1PersistentVolumeClaim.class);
    assertEquals(mib(64), claim.getSpec().getResources().getRequests().get("storage").getNumber(), "workspace size");
    assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes());

    assertEquals("1000\n", run(rt, id, "id", "-u"), "the learner is uid 1000, not root");
    assertEquals("/home/learner/workspace\n", run(rt, id, "pwd"));
    assertTrue(run(rt, id, "ls").contains("manage.py"), "the starter project was copied by the init container");
  }

  // -------------------------------------------------------------------------------- replicas, 409, boot

  @Test
  void twoReplicasStartingOneSandboxMakeOnePod() throws Exception {
    KubernetesSandboxRuntime a = runtime(0);
    KubernetesSandboxRuntime b = runtime(0);
    SandboxId id = newId();
    List<Future<SandboxInfo>> both = List.of(a.ensure(id), b.ensure(id), a.ensure(id), b.ensure(id));
    for (Future<SandboxInfo> f : both) assertEquals(SandboxStatus.RUNNING, await(f).status());
    assertEquals(1, podsOf(id).size());
    assertEquals(1, cluster.all("persistentvolumeclaims", NS).size());
    assertEquals("ok\n", run(b, id, "echo", "ok"));
  }

  @Test
  void aConflictOnCreateIsHandled() throws Exception {
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxId id = newId();
    cluster.failNext(HttpMethod.POST, "/namespaces/" + NS + "/pods", 409, 1);
    cluster.failNext(HttpMethod.POST, "/namespaces/" + NS + "/persistentvolumeclaims", 409, 1);
    assertEquals(SandboxStatus.RUNNING, await(rt.ensure(id)).status());
    assertEquals(1, podsOf(id).size());
    assertEquals(2, count("POST /api/v1/namespaces/" + NS + "/pods"), "409, looked, created");
  }

  @Test
  void aRestartedServerAdoptsWhatRunsAndReplicasLeaveEachOthersSandboxesAlone() throws Exception {
    KubernetesSandboxRuntime first = runtime(0);
    SandboxId id = newId();
    SandboxInfo started = await(first.ensure(id));
    run(first, id, "sh", "-c", "echo kept > notes.txt");
    String pod = onlyPodOf(id).getJsonObject("metadata").getString("name");

    KubernetesSandboxRuntime second = runtime(0);
    assertTrue(await(second.list()).stream().noneMatch(i -> i.id().equals(id)), "held by the first replica");
    SandboxManager secondsManager = new SandboxManager(vertx, second, Duration.ZERO, Duration.ofHours(1),
        Clock.systemUTC());
    await(secondsManager.start());
    assertEquals(List.of(), await(secondsManager.cullIdle()), "not culled by a replica that does not hold it");

    await(first.close());
    runtimes.remove(first);
    assertEquals(1, podsOf(id).size(), "closing a replica leaves the pods running");
    SandboxInfo listed = await(second.list()).stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
    assertEquals(SandboxStatus.RUNNING, listed.status(), "released by the closed replica: adopted");

    SandboxInfo adopted = await(second.ensure(id));
    assertFalse(adopted.restarted());
    assertEquals(started.startedAt(), adopted.startedAt(), "the same run of the sandbox");
    assertEquals(pod, onlyPodOf(id).getJsonObject("metadata").getString("name"));
    assertEquals("kept\n", run(second, id, "cat", "notes.txt"));
    assertEquals(1, count("POST /api/v1/namespaces/" + NS + "/pods"), "no second pod");
  }

  @Test
  void bootRemovesOrphansFinishesHalfDoneClaimsAndKeepsWork() throws Exception {
    KubernetesSandboxRuntime first = runtime(0);
    SandboxId dead = newId();
    SandboxId stopped = newId();
    await(first.ensure(dead));
    await(first.ensure(stopped));
    await(first.stop(stopped));
    await(first.close());
    runtimes.remove(first);
    cluster.kubelet.crash(NS, dead.name(), "OOMKilled");

    Map<String, String> ours = Map.of(SandboxPods.MANAGED_BY, "pocketlab", SandboxPods.COMPONENT, "sandbox");
    cluster.create("pods", NS, podJson("stray", Map.of(SandboxPods.MANAGED_BY, "pocketlab", SandboxPods.COMPONENT,
        "sandbox", SandboxPods.ROLE, "learner", SandboxPods.SANDBOX, "sbx-nobody"), Map.of(), "ws-none"));
    cluster.create("persistentvolumeclaims", NS, claimJson("ws-warm-old", warmLabels()));
    cluster.update("persistentvolumeclaims", NS, "ws-warm-old", c -> c.getJsonObject("metadata")
        .put("creationTimestamp", Instant.now().minus(Duration.ofMinutes(10)).toString()));
    cluster.create("persistentvolumeclaims", NS, claimJson("ws-warm-new", warmLabels()));
    SandboxId halfClaimed = newId();
    cluster.create("persistentvolumeclaims", NS, claimJson("ws-warm-half", warmLabels()));
    Map<String, String> learner = new java.util.HashMap<>(ours);
    learner.putAll(SandboxPods.learnerLabels(halfClaimed));
    cluster.create("pods", NS, podJson("sbx-warm-half", learner, SandboxPods.learnerAnnotations(halfClaimed, 1),
        "ws-warm-half"));

    runtime(0);
    assertTrue(cluster.get("pods", NS, "stray").isEmpty(), "a pod of ours without an owner is removed");
    waitUntil(() -> podsOf(dead).isEmpty(), "the dead pod is removed");
    assertTrue(cluster.get("persistentvolumeclaims", NS, SandboxPods.claimName(dead)).isPresent(), "its work stays");
    assertTrue(cluster.get("persistentvolumeclaims", NS, SandboxPods.claimName(stopped)).isPresent());
    assertTrue(cluster.get("persistentvolumeclaims", NS, "ws-warm-old").isEmpty(), "an old unused warm claim goes");
    assertTrue(cluster.get("persistentvolumeclaims", NS, "ws-warm-new").isPresent(), "a new one may be in the making");
    JsonObject finished = cluster.get("persistentvolumeclaims", NS, "ws-warm-half").orElseThrow();
    assertEquals(halfClaimed.name(), finished.getJsonObject("metadata").getJsonObject("labels")
        .getString(SandboxPods.SANDBOX), "a claim left half done is finished");
  }

  // --------------------------------------------------------------------------------------- warm pool

  @Test
  void aWarmPodIsClaimedAtOnceAndThePoolRefills() throws Exception {
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(StartProgress.ADDRESS, m -> progress.add(m.body()));
    KubernetesSandboxRuntime rt = runtime(2);
    waitUntil(() -> readyWarmPods() == 2, "two warm pods are ready");

    cluster.failNext(HttpMethod.PATCH, "/pods/sbx-warm-", 409, 1); // another replica took the first one we try
    SandboxId id = newId();
    SandboxInfo info = await(rt.ensure(id));
    assertEquals(SandboxStatus.RUNNING, info.status());
    JsonObject pod = onlyPodOf(id);
    String name = pod.getJsonObject("metadata").getString("name");
    assertTrue(name.startsWith("sbx-warm-"), name);
    assertEquals(2, count("PATCH /api/v1/namespaces/" + NS + "/pods/sbx-warm-"), "409, then the other warm pod");
    String claimName = SandboxPods.claimOf(typed(pod, V1Pod.class)).orElseThrow();
    JsonObject claim = cluster.get("persistentvolumeclaims", NS, claimName).orElseThrow();
    assertEquals(SandboxPods.learnerLabels(id), claim.getJsonObject("metadata").getJsonObject("labels").getMap());
    assertEquals(id.owner(), claim.getJsonObject("metadata").getJsonObject("annotations").getString(SandboxPods.OWNER));
    assertTrue(run(rt, id, "ls").contains("manage.py"));
    waitUntil(() -> progress.stream().anyMatch(p -> "claimed".equals(p.getString("stage"))
        && id.owner().equals(p.getString("owner"))), "the learner is told");
    waitUntil(() -> readyWarmPods() == 2, "the pool is topped up again");

    await(rt.stop(id));
    await(rt.ensure(id));
    assertEquals(claimName, SandboxPods.claimOf(typed(onlyPodOf(id), V1Pod.class)).orElseThrow(),
        "a returning learner gets a new pod on the workspace that came with the warm pod");
  }

  // ------------------------------------------------------------------------------ culling, crashes, starts

  @Test
  void cullingDeletesThePodAndKeepsTheWorkspace() throws Exception {
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxManager manager = new SandboxManager(vertx, rt, Duration.ofMillis(300), Duration.ofHours(1),
        Clock.systemUTC());
    SandboxId id = newId();
    await(manager.ensure(id));
    SandboxProcess p = await(manager.exec(id, ExecSpec.of("sh", "-c", "echo mine > work.txt")));
    collect(p);
    await(p.exit());
    Thread.sleep(500);
    assertEquals(List.of(id), await(manager.cullIdle()));
    assertEquals(List.of(), podsOf(id), "the pod is gone");
    assertTrue(cluster.get("persistentvolumeclaims", NS, SandboxPods.claimName(id)).isPresent(), "the workspace is not");
    assertEquals(SandboxStatus.STOPPED, await(rt.status(id)));
    assertFalse(await(manager.ensure(id)).restarted(), "culling is not a crash");
    assertEquals("mine\n", run(rt, id, "cat", "work.txt"));
  }

  @Test
  void aCrashedPodIsNoticedThroughAReconnectedWatchAndRestartedWithANote() throws Exception {
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxId id = newId();
    await(rt.ensure(id));
    run(rt, id, "sh", "-c", "echo kept > kept.txt");
    SandboxProcess sleeper = await(rt.exec(id, ExecSpec.of("sleep", "300")));
    collect(sleeper);

    long lists = rt.podLists();
    cluster.dropWatches(); // a broken connection: list again, watch again (after a backoff)
    waitUntil(() -> rt.podLists() > lists, "the watch is re-established");
    waitUntil(() -> cluster.openWatches() == 1, "watching again");
    long again = rt.podLists();
    Thread.sleep(1100); // a watch ending at once counts as a failure; this is to be a normal end
    cluster.compact(); // what the watch would resume from is gone: 410 Gone, list again
    cluster.endWatches();
    waitUntil(() -> rt.podLists() > again, "and again after the events were compacted");
    waitUntil(() -> cluster.openWatches() == 1, "watching");

    cluster.kubelet.crash(NS, id.name(), "OOMKilled");
    assertEquals(ExitStatus.Reason.SANDBOX_STOPPED, await(sleeper.exit()).reason(), "its processes end with it");
    assertEquals(SandboxStatus.CRASHED, await(rt.status(id)));
    SandboxInfo info = await(rt.ensure(id));
    assertTrue(info.restarted());
    assertEquals(KubernetesSandboxRuntime.CRASH_NOTE, info.note().orElse(""));
    assertEquals("kept\n", run(rt, id, "cat", "kept.txt"));
    assertFalse(await(rt.ensure(id)).restarted(), "said once");
  }

  @Test
  void aPodLostWithItsNodeIsACrashToo() throws Exception {
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxId id = newId();
    await(rt.ensure(id));
    run(rt, id, "sh", "-c", "echo kept > kept.txt");
    cluster.kubelet.vanish(NS, id.name());
    assertEquals(SandboxStatus.CRASHED, await(rt.status(id)), "expected to run, but no pod");
    SandboxInfo info = await(rt.ensure(id));
    assertTrue(info.restarted());
    assertEquals("kept\n", run(rt, id, "cat", "kept.txt"));
  }

  @Test
  void aStartThatTakesTooLongFailsWithAClearMessageAndProgress() throws Exception {
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(StartProgress.ADDRESS, m -> progress.add(m.body()));
    KubernetesSettings quick = new KubernetesSettings(NS, Optional.of(KubernetesSandboxRuntimeTest.IMAGE),
        WarmPoolSchedule.fixed(0), 10, 64, Duration.ofSeconds(2), Optional.of(cluster.kubeconfig()), Optional.empty(),
        Optional.empty());
    KubernetesSandboxRuntime rt = track(await(KubernetesSandboxRuntime.create(vertx,
        KubernetesSandboxRuntimeTest.LIMITS, quick)));
    cluster.kubelet.hold("0/3 nodes are available: 3 Insufficient memory.");
    SandboxId id = newId();
    SandboxException e = assertThrows(SandboxException.class, () -> await(rt.ensure(id)));
    assertEquals(SandboxException.Kind.UNAVAILABLE, e.kind());
    assertEquals("Your sandbox did not start within 2 s (last step: Waiting for room in the cluster for your"
        + " sandbox). Please try again in a minute; if it keeps happening, tell your instructor.", e.getMessage());
    waitUntil(() -> progress.stream().anyMatch(p -> "scheduling".equals(p.getString("stage"))), "progress: scheduling");
    waitUntil(() -> progress.stream().anyMatch(p -> "failed".equals(p.getString("stage"))), "progress: failed");

    cluster.kubelet.release();
    assertEquals(SandboxStatus.RUNNING, await(rt.ensure(id)).status(), "the pending pod is used once it runs");
    assertEquals(1, podsOf(id).size());
  }

  @Test
  void apiErrorsAreRetriedWithBackoffAndThenReportedPlainly() throws Exception {
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxId id = newId();
    cluster.failNext(HttpMethod.POST, "/namespaces/" + NS + "/pods", 503, 2);
    assertEquals(SandboxStatus.RUNNING, await(rt.ensure(id)).status());
    assertEquals(3, count("POST /api/v1/namespaces/" + NS + "/pods"), "two 503s, then created");

    SandboxId other = newId();
    cluster.failNext(HttpMethod.GET, "labelSelector=" + SandboxPods.MANAGED_BY.replace("/", "%2F"), 500, 5);
    SandboxException e = assertThrows(SandboxException.class, () -> await(rt.ensure(other)));
    assertEquals(SandboxException.Kind.UNAVAILABLE, e.kind());
    assertEquals("The sandbox service is not reachable right now. Please try again in a minute; if it keeps failing,"
        + " tell your instructor.", e.getMessage());
    assertEquals(SandboxStatus.RUNNING, await(rt.ensure(other)).status(), "fine once the API answers again");
  }

  @Test
  void execWorksOverTheOlderV4Protocol() throws Exception {
    cluster.close();
    cluster = new FakeKubeApi(vertx, Files.createDirectories(dataDir.resolve("v4")),
        Map.of(SandboxPods.STARTER, KubernetesSandboxRuntimeTest.STARTER), List.of("v4.channel.k8s.io"));
    KubernetesSandboxRuntime rt = runtime(0);
    SandboxId id = newId();
    await(rt.ensure(id));
    assertEquals("hello\n", run(rt, id, "echo", "hello"));
    SandboxProcess sh = await(rt.exec(id, ExecSpec.of("sh", "-c", "stty size; read x; exit 3").withPty(100, 30)));
    StringBuilder out = new StringBuilder();
    sh.output().handler(b -> {
      synchronized (out) {
        out.append(b.toString(StandardCharsets.UTF_8));
      }
    });
    waitUntil(() -> {
      synchronized (out) {
        return out.toString().contains("30 100");
      }
    }, "the initial size arrives");
    await(sh.input().write(Buffer.buffer("\n")));
    assertEquals(3, await(sh.exit()).code());
  }

  /** Figures for the report (printed, not asserted): the runtime's own costs, against the stand-in. */
  @Test
  void measuredFigures() throws Exception {
    KubernetesSandboxRuntime rt = runtime(1);
    waitUntil(() -> readyWarmPods() == 1, "a warm pod is ready");
    long t0 = System.nanoTime();
    SandboxId warm = newId();
    await(rt.ensure(warm));
    long claimMs = (System.nanoTime() - t0) / 1_000_000;
    SandboxId cold = newId();
    waitUntil(() -> readyWarmPods() == 1, "the pool is refilled");
    cluster.failNext(HttpMethod.PATCH, "/pods/sbx-warm-", 404, 1); // that pod is gone: a cold start
    t0 = System.nanoTime();
    await(rt.ensure(cold));
    long coldMs = (System.nanoTime() - t0) / 1_000_000;
    await(rt.stop(cold));
    t0 = System.nanoTime();
    await(rt.ensure(cold));
    long restartMs = (System.nanoTime() - t0) / 1_000_000;
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      long s = System.nanoTime();
      run(rt, cold, "true");
      micros.add((System.nanoTime() - s) / 1000);
    }
    java.util.Collections.sort(micros);
    System.out.printf("MEASURED kubernetes runtime against the stand-in: warm claim %d ms, cold start (new workspace,"
        + " init container) %d ms, start on an existing workspace %d ms, exec of `true` (open to end of output)"
        + " median %.1f ms, max %.1f ms%n", claimMs, coldMs, restartMs, micros.get(7) / 1000.0, micros.get(14) / 1000.0);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private KubernetesSandboxRuntime runtime(int warm) throws Exception {
    return track(await(KubernetesSandboxRuntime.create(vertx, KubernetesSandboxRuntimeTest.LIMITS,
        KubernetesSandboxRuntimeTest.settings(cluster, warm))));
  }

  private KubernetesSandboxRuntime track(KubernetesSandboxRuntime rt) {
    runtimes.add(rt);
    return rt;
  }

  private static SandboxId newId() {
    return new SandboxId("learner-" + ids.incrementAndGet(), "cluster");
  }

  private List<JsonObject> podsOf(SandboxId id) {
    return cluster.all("pods", NS).stream()
        .filter(p -> id.name().equals(p.getJsonObject("metadata").getJsonObject("labels").getString(SandboxPods.SANDBOX)))
        .filter(p -> p.getJsonObject("metadata").getString("deletionTimestamp") == null)
        .toList();
  }

  private JsonObject onlyPodOf(SandboxId id) {
    List<JsonObject> pods = podsOf(id);
    assertEquals(1, pods.size(), pods.toString());
    return pods.get(0);
  }

  private long readyWarmPods() {
    return cluster.all("pods", NS).stream()
        .filter(p -> SandboxPods.isWarm(typed(p, V1Pod.class).getMetadata()))
        .filter(p -> PodStates.ready(typed(p, V1Pod.class)))
        .count();
  }

  private long count(String requestPrefix) {
    return cluster.requests().stream().filter(r -> r.startsWith(requestPrefix)).count();
  }

  private static <T> T typed(JsonObject json, Class<T> type) {
    return JSON.deserialize(json.encode(), type);
  }

  private static BigDecimal mib(long n) {
    return BigDecimal.valueOf(n * 1024 * 1024);
  }

  private static Map<String, String> warmLabels() {
    return SandboxPods.warmLabels();
  }

  private static JsonObject podJson(String name, Map<String, String> labels, Map<String, String> annotations,
      String claim) {
    return new JsonObject().put("apiVersion", "v1").put("kind", "Pod")
        .put("metadata", new JsonObject().put("name", name).put("labels", new JsonObject(Map.copyOf(labels)))
            .put("annotations", new JsonObject(Map.copyOf(annotations))))
        .put("spec", new JsonObject()
            .put("containers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "sandbox")
                .put("image", KubernetesSandboxRuntimeTest.IMAGE)))
            .put("volumes", new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "workspace")
                .put("persistentVolumeClaim", new JsonObject().put("claimName", claim)))));
  }

  private static JsonObject claimJson(String name, Map<String, String> labels) {
    return new JsonObject().put("apiVersion", "v1").put("kind", "PersistentVolumeClaim")
        .put("metadata", new JsonObject().put("name", name).put("labels", new JsonObject(Map.copyOf(labels))))
        .put("spec", new JsonObject().put("accessModes", new io.vertx.core.json.JsonArray().add("ReadWriteOnce")));
  }

  private String run(KubernetesSandboxRuntime rt, SandboxId id, String... command) {
    SandboxProcess p = await(rt.exec(id, ExecSpec.of(command)));
    StringBuilder out = collect(p);
    p.input().end();
    await(p.exit());
    waitUntil(() -> ((PodOutput) p.output()).ended(), "the output ends");
    synchronized (out) {
      return out.toString();
    }
  }

  private static StringBuilder collect(SandboxProcess p) {
    StringBuilder out = new StringBuilder();
    p.output().handler(b -> {
      synchronized (out) {
        out.append(b.toString(StandardCharsets.UTF_8));
      }
    });
    return out;
  }

  private static void waitUntil(BooleanSupplier condition, String what) {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) fail("Waited in vain: " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT.toSeconds(), TimeUnit.SECONDS); // a failure is thrown as it is
    } catch (TimeoutException e) {
      throw new AssertionError("Timed out after " + WAIT, e);
    }
  }
}
