package org.pocketlab.sandbox.kubernetes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pocketlab.config.InvalidSettingException;

/**
 * Where and how sandbox pods run, from the {@code POCKETLAB_K8S_*} variables (the README's configuration
 * table documents each). The limits shared with the local runtime (memory, CPU, workspace size, ...) stay in
 * {@link org.pocketlab.sandbox.SandboxSettings}.
 *
 * @param image required when the runtime is {@code kubernetes}; empty otherwise
 * @param kubeconfig empty: the client's standard lookup ({@code $KUBECONFIG}, {@code ~/.kube/config}, then
 *     the pod's own service account when running in a cluster)
 * @param storageClass empty: the cluster's default storage class
 * @param runtimeClass e.g. {@code gvisor}: a stronger isolation boundary than plain containers, if the cluster
 *     offers one
 */
public record KubernetesSettings(
    String namespace,
    Optional<String> image,
    WarmPoolSchedule warmPool,
    int cpuRequestPercent,
    int memoryRequestMb,
    Duration startTimeout,
    Optional<Path> kubeconfig,
    Optional<String> storageClass,
    Optional<String> runtimeClass) {

  /** RFC 1123 label: namespaces, storage and runtime class names are at least this strict. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,511}");

  public KubernetesSettings {
    if (!DNS_LABEL.matcher(namespace).matches()) throw new IllegalArgumentException("Not a namespace: " + namespace);
  }

  public static KubernetesSettings defaults() {
    return new KubernetesSettings("pocketlab-sandboxes", Optional.empty(), WarmPoolSchedule.fixed(0), 10, 256,
        Duration.ofSeconds(120), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Reads the variables; {@code required} (the runtime is {@code kubernetes}) makes the image mandatory.
   * A bad value throws naming the variable.
   */
  public static KubernetesSettings fromEnv(Map<String, String> env, boolean required) {
    KubernetesSettings d = defaults();
    Optional<String> image = text(env, "POCKETLAB_K8S_IMAGE");
    if (image.isPresent() && !IMAGE.matcher(image.get()).matches()) {
      throw new InvalidSettingException("POCKETLAB_K8S_IMAGE", "an image reference like"
          + " registry.example.org/pocketlab/sandbox-django:1.0", image.get());
    }
    if (required && image.isEmpty()) {
      throw new InvalidSettingException("POCKETLAB_K8S_IMAGE", "the sandbox image (sandbox-images/django, built and"
          + " pushed to a registry the cluster can pull from) when POCKETLAB_SANDBOX_RUNTIME=kubernetes", "");
    }
    int pool = integer(env, "POCKETLAB_K8S_WARM_POOL", 0, 0, 1000);
    ZoneId zone = text(env, "POCKETLAB_K8S_WARM_POOL_ZONE").map(z -> {
      try {
        return ZoneId.of(z);
      } catch (RuntimeException e) {
        throw new InvalidSettingException("POCKETLAB_K8S_WARM_POOL_ZONE", "a time zone such as Europe/Berlin or UTC", z);
      }
    }).orElse(ZoneId.of("UTC"));
    WarmPoolSchedule warm = text(env, "POCKETLAB_K8S_WARM_POOL_SCHEDULE").map(s -> {
      try {
        return WarmPoolSchedule.parse(s, pool, zone);
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException("POCKETLAB_K8S_WARM_POOL_SCHEDULE", "entries like 'Mon-Fri 08:30-12:00=30'"
            + " separated by commas (" + e.getMessage() + ")", s);
      }
    }).orElse(WarmPoolSchedule.fixed(pool));
    int memoryRequest = integer(env, "POCKETLAB_K8S_MEMORY_REQUEST_MB", d.memoryRequestMb, 16, 64 * 1024);
    return new KubernetesSettings(
        name(env, "POCKETLAB_K8S_NAMESPACE", DNS_LABEL).orElse(d.namespace),
        image,
        warm,
        integer(env, "POCKETLAB_K8S_CPU_REQUEST_PERCENT", d.cpuRequestPercent, 1, 6400),
        memoryRequest,
        Duration.ofSeconds(integer(env, "POCKETLAB_K8S_START_TIMEOUT_SECONDS", (int) d.startTimeout.toSeconds(), 10,
            3600)),
        text(env, "POCKETLAB_K8S_KUBECONFIG").map(p -> Path.of(p).toAbsolutePath().normalize()),
        name(env, "POCKETLAB_K8S_STORAGE_CLASS", DNS_SUBDOMAIN),
        name(env, "POCKETLAB_K8S_RUNTIME_CLASS", DNS_SUBDOMAIN));
  }

  public String imageOrFail() {
    return image.orElseThrow(() -> new IllegalStateException("POCKETLAB_K8S_IMAGE is not set"));
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static Optional<String> name(Map<String, String> env, String variable, Pattern pattern) {
    Optional<String> v = text(env, variable);
    if (v.isPresent() && !pattern.matcher(v.get()).matches()) {
      throw new InvalidSettingException(variable, "a Kubernetes name (lowercase letters, digits and '-')", v.get());
    }
    return v;
  }

  private static int integer(Map<String, String> env, String variable, int fallback, int min, int max) {
    Optional<String> raw = text(env, variable);
    if (raw.isEmpty()) return fallback;
    try {
      int value = Integer.parseInt(raw.get());
      if (value >= min && value <= max) return value;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(variable, "an integer from " + min + " to " + max, raw.get());
  }
}
