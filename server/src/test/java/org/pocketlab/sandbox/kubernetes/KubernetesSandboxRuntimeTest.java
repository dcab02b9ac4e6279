package org.pocketlab.sandbox.kubernetes;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.pocketlab.sandbox.SandboxRuntime;
import org.pocketlab.sandbox.SandboxRuntimeContract;
import org.pocketlab.sandbox.SandboxSettings;

/**
 * The runtime contract, run against the Kubernetes runtime talking to an API-server stand-in over HTTP
 * ({@link FakeKubeApi}), whose kubelet runs the pods' processes for real in bubblewrap: pods, claims, the watch
 * and every exec go through the official client and the real wire protocols.
 */
class KubernetesSandboxRuntimeTest extends SandboxRuntimeContract {

  static final String NAMESPACE = "sandboxes";
  static final String IMAGE = "registry.example.org/pocketlab/sandbox-django:test";
  static final SandboxSettings LIMITS = new SandboxSettings(
      SandboxSettings.RuntimeKind.KUBERNETES, 30, 512, 128, 100, 20, 8, 64, 256);
  static final Path STARTER = Path.of(System.getProperty("pocketlab.repoRoot", ".."))
      .resolve("sandbox-images/django/starter").toAbsolutePath().normalize();

  private Path dataDir;
  FakeKubeApi cluster;

  @Override
  protected SandboxRuntime createRuntime(Vertx vertx) throws Exception {
    dataDir = Files.createTempDirectory("pocketlab-k8s-test-");
    cluster = new FakeKubeApi(vertx, dataDir, Map.of(SandboxPods.STARTER, STARTER),
        List.of("v5.channel.k8s.io", "v4.channel.k8s.io"));
    return await(KubernetesSandboxRuntime.create(vertx, LIMITS, settings(cluster, 0)));
  }

  /**
   * A paused consumer holds back a bounded amount that is larger than locally: besides the pipe, the TCP buffers
   * of the exec connection (on loopback the kernel lets them grow to a few megabytes; in a cluster the API
   * server's and the kubelet's buffers add to them). Measured here: about 4.4 MB of {@code yes}.
   */
  @Override
  protected long pausedBufferBound() {
    return 16L * 1024 * 1024;
  }

  static KubernetesSettings settings(FakeKubeApi cluster, int warmPool) throws IOException {
    return new KubernetesSettings(NAMESPACE, Optional.of(IMAGE), WarmPoolSchedule.fixed(warmPool), 10, 64,
        Duration.ofSeconds(60), Optional.of(cluster.kubeconfig()), Optional.empty(), Optional.empty());
  }

  @Override
  protected void afterClose() throws Exception {
    try {
      if (cluster != null) cluster.close();
    } finally {
      deleteTree(dataDir);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
