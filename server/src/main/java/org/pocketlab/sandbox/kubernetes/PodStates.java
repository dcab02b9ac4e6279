package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reading a pod's status: is it usable, dead, on its way out, and what is it waiting for. */
final class PodStates {

  /** A stage of a start, for {@link org.pocketlab.sandbox.StartProgress}: the key and a sentence for the learner. */
  record Stage(String key, String message) {}

  private PodStates() {}

  static String name(V1Pod pod) {
    return pod.getMetadata().getName();
  }

  static boolean deleting(V1Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** Running, its container ready, and not being deleted: execs go here. */
  static boolean ready(V1Pod pod) {
    V1PodStatus s = pod.getStatus();
    if (deleting(pod) || s == null || !"Running".equals(s.getPhase())) return false;
    return conditionTrue(s, "Ready") && !failed(pod);
  }

  /** Ended (restartPolicy Never: it will not come back) or its container terminated. */
  static boolean failed(V1Pod pod) {
    V1PodStatus s = pod.getStatus();
    if (s == null) return false;
    if ("Failed".equals(s.getPhase()) || "Succeeded".equals(s.getPhase())) return true;
    return containers(s.getContainerStatuses()).stream()
        .anyMatch(c -> c.getState() != null && c.getState().getTerminated() != null);
  }

  /** Why it died, for the log (OOMKilled, Evicted, Error, ...). */
  static String failure(V1Pod pod) {
    V1PodStatus s = pod.getStatus();
    if (s == null) return "unknown";
    if (s.getReason() != null) return s.getReason() + (s.getMessage() == null ? "" : ": " + s.getMessage());
    for (V1ContainerStatus c : containers(s.getContainerStatuses())) {
      if (c.getState() != null && c.getState().getTerminated() != null) {
        var t = c.getState().getTerminated();
        return t.getReason() + " (exit " + t.getExitCode() + ")";
      }
    }
    for (V1ContainerStatus c : containers(s.getInitContainerStatuses())) {
      if (c.getState() != null && c.getState().getTerminated() != null && c.getState().getTerminated().getExitCode() != 0) {
        var t = c.getState().getTerminated();
        return "preparing the workspace failed: " + t.getReason() + " (exit " + t.getExitCode() + ")";
      }
    }
    return String.valueOf(s.getPhase());
  }

  static Optional<Instant> startedAt(V1Pod pod) {
    V1PodStatus s = pod.getStatus();
    if (s == null || s.getStartTime() == null) return Optional.empty();
    return Optional.of(s.getStartTime().toInstant());
  }

  /** Where a pod that is not ready yet stands. */
  static Stage stage(V1Pod pod) {
    V1PodStatus s = pod.getStatus();
    if (s == null || s.getConditions() == null || !conditionTrue(s, "PodScheduled")) {
      Optional<V1PodCondition> scheduled = s == null || s.getConditions() == null ? Optional.empty()
          : s.getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst();
      if (scheduled.isPresent() && "Unschedulable".equals(scheduled.get().getReason())) {
        return new Stage("scheduling", "Waiting for room in the cluster for your sandbox…");
      }
      return new Stage("scheduling", "Finding a place for your sandbox…");
    }
    for (V1ContainerStatus c : concat(s.getInitContainerStatuses(), s.getContainerStatuses())) {
      V1ContainerState state = c.getState();
      if (state == null || state.getWaiting() == null) continue;
      String reason = String.valueOf(state.getWaiting().getReason());
      if (reason.contains("ImagePull") || reason.equals("ErrImageNeverPull") || reason.equals("InvalidImageName")) {
        return new Stage("pulling", "The sandbox image cannot be pulled (" + reason + "); tell your instructor.");
      }
    }
    for (V1ContainerStatus c : containers(s.getInitContainerStatuses())) {
      if (c.getState() != null && c.getState().getRunning() != null) {
        return new Stage("preparing", "Preparing your workspace…");
      }
    }
    if (!conditionTrue(s, "Initialized")) return new Stage("pulling", "Loading the sandbox image…");
    return new Stage("starting", "Starting your sandbox…");
  }

  private static boolean conditionTrue(V1PodStatus s, String type) {
    return s.getConditions() != null && s.getConditions().stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<V1ContainerStatus> containers(List<V1ContainerStatus> list) {
    return list == null ? List.of() : list;
  }

  private static List<V1ContainerStatus> concat(List<V1ContainerStatus> a, List<V1ContainerStatus> b) {
    List<V1ContainerStatus> all = new java.util.ArrayList<>(containers(a));
    all.addAll(containers(b));
    return all;
  }
}
