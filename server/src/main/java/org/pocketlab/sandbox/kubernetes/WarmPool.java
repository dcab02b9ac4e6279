package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.pocketlab.sandbox.SandboxId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-started sandbox pods, each with a fresh workspace claim already holding the starter project, for
 * learners starting a course: a class opening its first lesson in the same minute gets running sandboxes at
 * once instead of thirty cold starts. A learner who has a workspace already starts a pod on it (volumes are
 * fixed when a pod is created, so a warm pod cannot take over someone's existing workspace).
 *
 * <p>A claim relabels a warm pod to the learner with the pod's resource version as a precondition: of two
 * servers claiming the same pod, one gets 409 Conflict and tries the next. Its workspace claim is relabelled
 * next; a server dying in between leaves a learner pod with a "warm" claim, which the boot reconciliation
 * relabels. Every replica maintains the pool; should two both top it up, the surplus is trimmed on the next
 * round (pending pods first).
 */
final class WarmPool {

  private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
  static final String SELECTOR = SandboxPods.SELECTOR + "," + SandboxPods.ROLE + "=" + SandboxPods.ROLE_WARM;

  private final KubeApi api;
  private final SandboxPods specs;
  private final WarmPoolSchedule schedule;
  private final Clock clock;

  WarmPool(KubeApi api, SandboxPods specs, WarmPoolSchedule schedule, Clock clock) {
    this.api = api;
    this.specs = specs;
    this.schedule = schedule;
    this.clock = clock;
  }

  int wanted() {
    return schedule.sizeAt(ZonedDateTime.now(clock));
  }

  /** Tops the pool up to the size wanted now, or trims it; replaces warm pods that died. Blocking. */
  void maintain() {
    int want = wanted();
    List<V1Pod> live = new ArrayList<>();
    for (V1Pod pod : api.listPods(SELECTOR).getItems()) {
      if (PodStates.deleting(pod)) continue;
      if (PodStates.failed(pod)) {
        log.warn("Warm sandbox pod {} died ({}); replacing it", PodStates.name(pod), PodStates.failure(pod));
        remove(pod);
      } else {
        live.add(pod);
      }
    }
    for (int i = live.size(); i < want; i++) add();
    if (live.size() > want) {
      // Pending ones first (they cost least to give up), newest first.
      live.sort(Comparator.comparing((V1Pod p) -> PodStates.ready(p))
          .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.nullsFirst(Comparator.reverseOrder())));
      for (V1Pod surplus : live.subList(0, live.size() - want)) remove(surplus);
    }
  }

  private void add() {
    String suffix = HexFormat.of().formatHex(randomBytes(5));
    String claim = "ws-warm-" + suffix;
    api.createClaim(specs.claim(claim, SandboxPods.warmLabels(), Map.of()));
    api.createPod(specs.pod("sbx-warm-" + suffix, SandboxPods.warmLabels(), Map.of(), claim, Optional.empty()));
  }

  private void remove(V1Pod pod) {
    api.deletePod(PodStates.name(pod));
    SandboxPods.claimOf(pod).ifPresent(api::deleteClaim);
  }

  /**
   * Takes a ready warm pod for the learner: relabels it (conditional on its resource version) and its
   * workspace claim. Empty when none is ready. Blocking.
   */
  Optional<String> claim(SandboxId id, Map<String, String> podAnnotations) {
    List<V1Pod> ready = new ArrayList<>(api.listPods(SELECTOR).getItems().stream().filter(PodStates::ready).toList());
    Collections.shuffle(ready); // replicas claiming at once rarely pick the same pod
    long now = clock.millis();
    for (V1Pod pod : ready) {
      JsonObject patch = new JsonObject().put("metadata", new JsonObject()
          .put("resourceVersion", pod.getMetadata().getResourceVersion())
          .put("labels", new JsonObject(Map.copyOf(SandboxPods.learnerLabels(id))))
          .put("annotations", new JsonObject(Map.copyOf(podAnnotations))));
      try {
        if (api.patchPod(PodStates.name(pod), patch.encode()).isEmpty()) continue;
      } catch (KubeApi.Failure f) {
        if (f.conflict()) continue; // another server took it first
        throw f;
      }
      Optional<String> claim = SandboxPods.claimOf(pod);
      claim.ifPresent(c -> relabelClaim(c, id, now));
      log.info("Sandbox {} claimed warm pod {}", id, PodStates.name(pod));
      return Optional.of(PodStates.name(pod));
    }
    return Optional.empty();
  }

  /** Makes a warm workspace claim the learner's. */
  void relabelClaim(String claim, SandboxId id, long assignedAt) {
    JsonObject patch = new JsonObject().put("metadata", new JsonObject()
        .put("labels", new JsonObject(Map.copyOf(SandboxPods.learnerLabels(id))))
        .put("annotations", new JsonObject(Map.copyOf(SandboxPods.learnerAnnotations(id, assignedAt)))));
    api.patchClaim(claim, patch.encode());
  }

  /** For the boot reconciliation: warm claims no pod uses, older than {@code minAgeMillis}. */
  static boolean unused(V1PersistentVolumeClaim claim, List<V1Pod> pods, long nowMillis, long minAgeMillis) {
    String name = claim.getMetadata().getName();
    boolean used = pods.stream().anyMatch(p -> SandboxPods.claimOf(p).map(name::equals).orElse(false));
    var created = claim.getMetadata().getCreationTimestamp();
    return !used && created != null && nowMillis - created.toInstant().toEpochMilli() > minAgeMillis;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
