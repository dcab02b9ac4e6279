package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimSpec;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SeccompProfile;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1VolumeResourceRequirements;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxSettings;

/**
 * What a sandbox is made of in the cluster, as typed client objects: a pod (one learner's sandbox while it
 * runs, or a warm one waiting to be claimed) and its workspace claim. The pod meets the Pod Security Standards
 * {@code restricted} profile: non-root uid 1000, no privilege escalation, every capability dropped, seccomp
 * {@code RuntimeDefault}, only emptyDir and PVC volumes, no service-account token, read-only root file system.
 *
 * <p>Inside, the layout is the local runtime's: HOME {@value #HOME} (scratch), the workspace at
 * {@value #WORKSPACE} (the claim's {@code workspace/} directory), /tmp (scratch). The claim's root also holds
 * {@code .pocketlab/}, where the init container records that the starter project was copied (and which reset
 * it applied), out of the learner's sight.
 */
public final class SandboxPods {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  /** {@code learner} (assigned) or {@code warm} (pre-started, waiting to be claimed). */
  public static final String ROLE = "pocketlab.org/role";
  /** {@link SandboxId#name()}: selects one learner's pod and claim in a course. */
  public static final String SANDBOX = "pocketlab.org/sandbox";
  /** Owner and course as given (label values may not end in '.', '-' or '_'; annotations may). */
  public static final String OWNER = "pocketlab.org/owner";
  public static final String COURSE = "pocketlab.org/course";
  /** Epoch milliseconds of the assignment to the learner: the earlier of two wins a race between replicas. */
  public static final String ASSIGNED_AT = "pocketlab.org/assigned-at";
  /** On the claim: a token; a pod started with a new token wipes the workspace back to the starter project. */
  public static final String RESET = "pocketlab.org/reset";
  /** On the claim: present while a server started the sandbox and has not stopped it (a crash is told apart). */
  public static final String EXPECTED_RUNNING = "pocketlab.org/expected-running";
  /** On the pod: which server replica holds it (live execs or a recent start), and when it said so last. */
  public static final String HELD_BY = "pocketlab.org/held-by";
  public static final String HELD_AT = "pocketlab.org/held-at";

  public static final String ROLE_LEARNER = "learner";
  public static final String ROLE_WARM = "warm";
  /** Every object of ours, and nothing else, in the sandbox namespace. */
  public static final String SELECTOR = MANAGED_BY + "=pocketlab," + COMPONENT + "=sandbox";

  public static final String CONTAINER = "sandbox";
  public static final String HOME = "/home/learner";
  public static final String WORKSPACE = HOME + "/workspace";
  public static final String STARTER = "/opt/pocketlab/starter";
  static final long UID = 1000;

  /**
   * Runs as the init container with the claim at /pvc: copies the starter project on the first start, and
   * again after a reset (a token it has not applied yet). Copy aside then rename, so that a pod killed
   * half-way leaves either nothing or a complete workspace.
   */
  static final String PREPARE_WORKSPACE = String.join("\n",
      "set -eu",
      "ws=/pvc/workspace; state=/pvc/.pocketlab",
      "mkdir -p \"$state\"",
      "if [ -n \"${POCKETLAB_RESET:-}\" ] && [ \"$(cat \"$state/reset\" 2>/dev/null)\" != \"$POCKETLAB_RESET\" ]; then",
      "  rm -rf \"$ws\" \"$state/ready\"",
      "  echo \"$POCKETLAB_RESET\" > \"$state/reset\"",
      "fi",
      "if [ ! -e \"$state/ready\" ]; then",
      "  rm -rf \"$ws.new\" \"$ws\"",
      "  cp -R " + STARTER + " \"$ws.new\"",
      "  mv \"$ws.new\" \"$ws\"",
      "  touch \"$state/ready\"",
      "fi");

  private final KubernetesSettings k8s;
  private final SandboxSettings limits;

  public SandboxPods(KubernetesSettings k8s, SandboxSettings limits) {
    this.k8s = k8s;
    this.limits = limits;
  }

  /** The pod of a cold start: its name is the sandbox's, so two servers creating it get one pod and a 409. */
  public static String podName(SandboxId id) {
    return id.name();
  }

  /** The claim created for a learner without a warm pod (warm claims keep the warm claim's name). */
  public static String claimName(SandboxId id) {
    return "ws-" + id.name();
  }

  public static Map<String, String> learnerLabels(SandboxId id) {
    Map<String, String> labels = baseLabels(ROLE_LEARNER);
    labels.put(SANDBOX, id.name());
    return labels;
  }

  public static Map<String, String> warmLabels() {
    return baseLabels(ROLE_WARM);
  }

  private static Map<String, String> baseLabels(String role) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, "pocketlab");
    labels.put(COMPONENT, "sandbox");
    labels.put(ROLE, role);
    return labels;
  }

  public static Map<String, String> learnerAnnotations(SandboxId id, long assignedAtMillis) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(OWNER, id.owner());
    a.put(COURSE, id.course());
    a.put(ASSIGNED_AT, Long.toString(assignedAtMillis));
    return a;
  }

  /** Label selector of one learner's pod(s) and claim(s). */
  public static String selectorOf(SandboxId id) {
    return SELECTOR + "," + ROLE + "=" + ROLE_LEARNER + "," + SANDBOX + "=" + id.name();
  }

  /** The learner an object belongs to: owner and course annotations that agree with the sandbox label. */
  public static Optional<SandboxId> owner(V1ObjectMeta meta) {
    if (meta == null || meta.getLabels() == null || meta.getAnnotations() == null) return Optional.empty();
    if (!ROLE_LEARNER.equals(meta.getLabels().get(ROLE))) return Optional.empty();
    try {
      SandboxId id = new SandboxId(meta.getAnnotations().get(OWNER), meta.getAnnotations().get(COURSE));
      return id.name().equals(meta.getLabels().get(SANDBOX)) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public static boolean isWarm(V1ObjectMeta meta) {
    return meta != null && meta.getLabels() != null && ROLE_WARM.equals(meta.getLabels().get(ROLE));
  }

  public static long assignedAt(V1ObjectMeta meta) {
    try {
      return Long.parseLong(meta.getAnnotations().getOrDefault(ASSIGNED_AT, "9223372036854775807"));
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The claim a pod mounts as its workspace. */
  public static Optional<String> claimOf(V1Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) return Optional.empty();
    return pod.getSpec().getVolumes().stream()
        .filter(v -> "workspace".equals(v.getName()) && v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .findFirst();
  }

  // -------------------------------------------------------------------------------------------- objects

  /** A workspace claim of {@code POCKETLAB_SANDBOX_WORKSPACE_MB} (storage classes may round it up). */
  public V1PersistentVolumeClaim claim(String name, Map<String, String> labels, Map<String, String> annotations) {
    V1PersistentVolumeClaimSpec spec = new V1PersistentVolumeClaimSpec()
        .accessModes(List.of("ReadWriteOnce"))
        .volumeMode("Filesystem")
        .resources(new V1VolumeResourceRequirements()
            .requests(Map.of("storage", mebibytes(limits.workspaceMb()))));
    k8s.storageClass().ifPresent(spec::storageClassName);
    return new V1PersistentVolumeClaim()
        .apiVersion("v1")
        .kind("PersistentVolumeClaim")
        .metadata(new V1ObjectMeta().name(name).namespace(k8s.namespace())
            .labels(new LinkedHashMap<>(labels)).annotations(new LinkedHashMap<>(annotations)))
        .spec(spec);
  }

  /**
   * A sandbox pod mounting {@code claim} as its workspace. {@code resetToken}: the claim's reset annotation,
   * handed to the init container, which wipes the workspace once per new token.
   */
  public V1Pod pod(String name, Map<String, String> labels, Map<String, String> annotations, String claim,
      Optional<String> resetToken) {
    String image = k8s.imageOrFail();
    long scratchMb = scratchMb();

    List<V1EnvVar> initEnv = new ArrayList<>();
    resetToken.ifPresent(t -> initEnv.add(new V1EnvVar().name("POCKETLAB_RESET").value(t)));
    V1Container prepare = new V1Container()
        .name("workspace")
        .image(image)
        .imagePullPolicy("IfNotPresent")
        .command(List.of("sh", "-c", PREPARE_WORKSPACE))
        .env(initEnv)
        .securityContext(containerSecurity())
        .resources(new V1ResourceRequirements()
            .requests(Map.of("cpu", millicores(Math.min(50, cpuLimitMillis())), "memory", mebibytes(32)))
            .limits(Map.of("cpu", millicores(cpuLimitMillis()), "memory", mebibytes(Math.min(128, limits.memoryMb())))))
        .volumeMounts(List.of(new V1VolumeMount().name("workspace").mountPath("/pvc")));

    V1Container sandbox = new V1Container()
        .name(CONTAINER)
        .image(image)
        .imagePullPolicy("IfNotPresent")
        .workingDir(WORKSPACE)
        .env(List.of(
            env("HOME", HOME), env("USER", "learner"), env("LOGNAME", "learner"), env("SHELL", "/bin/bash"),
            env("LANG", "C.UTF-8"), env("PYTHONDONTWRITEBYTECODE", "1")))
        .securityContext(containerSecurity())
        .resources(new V1ResourceRequirements()
            .requests(Map.of(
                "cpu", millicores(Math.min(k8s.cpuRequestPercent(), limits.cpuPercent()) * 10L),
                "memory", mebibytes(Math.min(k8s.memoryRequestMb(), limits.memoryMb())),
                "ephemeral-storage", mebibytes(64)))
            .limits(Map.of(
                "cpu", millicores(cpuLimitMillis()),
                "memory", mebibytes(limits.memoryMb()),
                // The scratch volumes count here, plus room for the container's logs.
                "ephemeral-storage", mebibytes(2 * scratchMb + 64))))
        .volumeMounts(List.of(
            new V1VolumeMount().name("home").mountPath(HOME),
            new V1VolumeMount().name("workspace").mountPath(WORKSPACE).subPath("workspace"),
            new V1VolumeMount().name("tmp").mountPath("/tmp")));

    V1PodSpec spec = new V1PodSpec()
        .automountServiceAccountToken(false) // learners' code must not reach the Kubernetes API as anyone
        .enableServiceLinks(false) // no environment variables naming the cluster's services
        .restartPolicy("Never") // one pod = one run of the sandbox; a dead one is replaced, and said so
        .terminationGracePeriodSeconds(2L)
        .hostname("sandbox")
        .securityContext(new V1PodSecurityContext()
            .runAsNonRoot(true)
            .runAsUser(UID)
            .runAsGroup(UID)
            .fsGroup(UID) // the workspace volume is writable by the learner's uid
            .fsGroupChangePolicy("OnRootMismatch")
            .seccompProfile(new V1SeccompProfile().type("RuntimeDefault")))
        .initContainers(List.of(prepare))
        .containers(List.of(sandbox))
        .volumes(List.of(
            new V1Volume().name("workspace")
                .persistentVolumeClaim(new V1PersistentVolumeClaimVolumeSource().claimName(claim)),
            new V1Volume().name("home").emptyDir(new V1EmptyDirVolumeSource().sizeLimit(mebibytes(scratchMb))),
            new V1Volume().name("tmp").emptyDir(new V1EmptyDirVolumeSource().sizeLimit(mebibytes(scratchMb)))));
    k8s.runtimeClass().ifPresent(spec::runtimeClassName);

    return new V1Pod()
        .apiVersion("v1")
        .kind("Pod")
        .metadata(new V1ObjectMeta().name(name).namespace(k8s.namespace())
            .labels(new LinkedHashMap<>(labels)).annotations(new LinkedHashMap<>(annotations)))
        .spec(spec);
  }

  private static V1SecurityContext containerSecurity() {
    return new V1SecurityContext()
        .runAsNonRoot(true)
        .allowPrivilegeEscalation(false)
        .privileged(false)
        .readOnlyRootFilesystem(true)
        .capabilities(new V1Capabilities().drop(List.of("ALL")))
        .seccompProfile(new V1SeccompProfile().type("RuntimeDefault"));
  }

  /** Home and /tmp each: like the local runtime's tmpfs, the workspace size capped at 256 MB, at least 16. */
  private long scratchMb() {
    return Math.max(16, Math.min(256, limits.workspaceMb()));
  }

  private long cpuLimitMillis() {
    return limits.cpuPercent() * 10L;
  }

  private static V1EnvVar env(String name, String value) {
    return new V1EnvVar().name(name).value(value);
  }

  private static Quantity mebibytes(long mb) {
    return Quantity.fromString(mb + "Mi");
  }

  private static Quantity millicores(long m) {
    return Quantity.fromString(m + "m");
  }
}
