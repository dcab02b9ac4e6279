package org.pocketlab.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pocketlab.config.InvalidSettingException;
import org.pocketlab.config.Settings;

class KubernetesSettingsTest {

  @Test
  void defaultsNeedNothingUntilTheRuntimeIsKubernetes() {
    assertEquals(KubernetesSettings.defaults(), KubernetesSettings.fromEnv(Map.of(), false));
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> Settings.from(Map.of("POCKETLAB_SANDBOX_RUNTIME", "kubernetes")));
    assertEquals("POCKETLAB_K8S_IMAGE: expected the sandbox image (sandbox-images/django, built and pushed to a"
        + " registry the cluster can pull from) when POCKETLAB_SANDBOX_RUNTIME=kubernetes, got ''", e.getMessage());
  }

  @Test
  void everyVariableIsRead() {
    KubernetesSettings s = KubernetesSettings.fromEnv(Map.of(
        "POCKETLAB_K8S_NAMESPACE", "learners",
        "POCKETLAB_K8S_IMAGE", "registry.example.org/pocketlab/sandbox-django:1.0@sha256:abc",
        "POCKETLAB_K8S_WARM_POOL", "3",
        "POCKETLAB_K8S_WARM_POOL_SCHEDULE", "Mon-Fri 08:00-12:00=30",
        "POCKETLAB_K8S_WARM_POOL_ZONE", "Europe/Berlin",
        "POCKETLAB_K8S_CPU_REQUEST_PERCENT", "20",
        "POCKETLAB_K8S_MEMORY_REQUEST_MB", "128",
        "POCKETLAB_K8S_START_TIMEOUT_SECONDS", "90",
        "POCKETLAB_K8S_KUBECONFIG", "/etc/pocketlab/kubeconfig",
        "POCKETLAB_K8S_STORAGE_CLASS", "fast-ssd"), true);
    assertEquals("learners", s.namespace());
    assertEquals("registry.example.org/pocketlab/sandbox-django:1.0@sha256:abc", s.imageOrFail());
    assertEquals(30, s.warmPool().sizeAt(ZonedDateTime.of(2026, 3, 2, 9, 0, 0, 0, ZoneId.of("Europe/Berlin"))));
    assertEquals(3, s.warmPool().sizeAt(ZonedDateTime.of(2026, 3, 2, 13, 0, 0, 0, ZoneId.of("Europe/Berlin"))));
    assertEquals(20, s.cpuRequestPercent());
    assertEquals(128, s.memoryRequestMb());
    assertEquals(Duration.ofSeconds(90), s.startTimeout());
    assertEquals(Optional.of(Path.of("/etc/pocketlab/kubeconfig")), s.kubeconfig());
    assertEquals(Optional.of("fast-ssd"), s.storageClass());
    assertEquals(Optional.empty(), s.runtimeClass());
  }

  @Test
  void badValuesNameTheirVariable() {
    assertEquals("POCKETLAB_K8S_NAMESPACE: expected a Kubernetes name (lowercase letters, digits and '-'), got"
        + " 'Learners'", message(Map.of("POCKETLAB_K8S_NAMESPACE", "Learners")));
    assertEquals("POCKETLAB_K8S_WARM_POOL: expected an integer from 0 to 1000, got 'many'",
        message(Map.of("POCKETLAB_K8S_WARM_POOL", "many")));
    assertEquals("POCKETLAB_K8S_START_TIMEOUT_SECONDS: expected an integer from 10 to 3600, got '5'",
        message(Map.of("POCKETLAB_K8S_START_TIMEOUT_SECONDS", "5")));
    assertEquals("POCKETLAB_K8S_WARM_POOL_SCHEDULE: expected entries like 'Mon-Fri 08:30-12:00=30' separated by"
        + " commas ('Mon 12:00-08:00=3' ends before it starts), got 'Mon 12:00-08:00=3'",
        message(Map.of("POCKETLAB_K8S_WARM_POOL_SCHEDULE", "Mon 12:00-08:00=3")));
    assertEquals("POCKETLAB_K8S_WARM_POOL_ZONE: expected a time zone such as Europe/Berlin or UTC, got 'Mars/Base'",
        message(Map.of("POCKETLAB_K8S_WARM_POOL_ZONE", "Mars/Base")));
    assertEquals("POCKETLAB_K8S_IMAGE: expected an image reference like registry.example.org/pocketlab/sandbox-django:1.0,"
        + " got 'no spaces please'", message(Map.of("POCKETLAB_K8S_IMAGE", "no spaces please")));
  }

  @Test
  void theScheduleFollowsDaysHoursAndItsZone() {
    WarmPoolSchedule s = WarmPoolSchedule.parse("Mon-Fri 08:30-12:00=30, Fri-Mon 10:00-11:00=40, 13:00-13:30=5", 2,
        ZoneId.of("Europe/Berlin"));
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertEquals(30, s.sizeAt(ZonedDateTime.of(2026, 3, 3, 8, 30, 0, 0, berlin)), "Tuesday, from 08:30");
    assertEquals(2, s.sizeAt(ZonedDateTime.of(2026, 3, 3, 12, 0, 0, 0, berlin)), "the end is exclusive");
    assertEquals(40, s.sizeAt(ZonedDateTime.of(2026, 3, 6, 10, 15, 0, 0, berlin)), "Friday: the larger wins");
    assertEquals(40, s.sizeAt(ZonedDateTime.of(2026, 3, 8, 10, 15, 0, 0, berlin)), "Fri-Mon wraps over Sunday");
    assertEquals(5, s.sizeAt(ZonedDateTime.of(2026, 3, 8, 13, 10, 0, 0, berlin)), "every day");
    assertEquals(30, s.sizeAt(ZonedDateTime.of(2026, 3, 3, 8, 0, 0, 0, ZoneId.of("UTC"))), "09:00 in Berlin");
    assertEquals(40, s.maxSize());
  }

  private static String message(Map<String, String> env) {
    return assertThrows(InvalidSettingException.class, () -> KubernetesSettings.fromEnv(env, false)).getMessage();
  }
}
