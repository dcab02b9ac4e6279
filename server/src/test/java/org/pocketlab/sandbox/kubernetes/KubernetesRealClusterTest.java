package org.pocketlab.sandbox.kubernetes;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.pocketlab.sandbox.SandboxRuntime;
import org.pocketlab.sandbox.SandboxRuntimeContract;

/**
 * The runtime contract against a real cluster: run by {@code deploy/k8s/e2e-check} (kind or any other
 * cluster), never by CI here, which has none. Needs {@code POCKETLAB_E2E_IMAGE} (the sandbox image, pullable
 * by the cluster), {@code POCKETLAB_E2E_NAMESPACE} (an empty namespace it may fill) and optionally
 * {@code POCKETLAB_E2E_KUBECONFIG}.
 */
@EnabledIfEnvironmentVariable(named = "POCKETLAB_E2E_IMAGE", matches = ".+")
class KubernetesRealClusterTest extends SandboxRuntimeContract {

  @Override
  protected SandboxRuntime createRuntime(Vertx vertx) throws Exception {
    KubernetesSettings settings = new KubernetesSettings(System.getenv("POCKETLAB_E2E_NAMESPACE"),
        Optional.of(System.getenv("POCKETLAB_E2E_IMAGE")), WarmPoolSchedule.fixed(0), 10, 64, Duration.ofSeconds(300),
        Optional.ofNullable(System.getenv("POCKETLAB_E2E_KUBECONFIG")).filter(s -> !s.isBlank()).map(Path::of),
        Optional.empty(), Optional.empty());
    return await(KubernetesSandboxRuntime.create(vertx, KubernetesSandboxRuntimeTest.LIMITS, settings));
  }

  /** Also the API server's and kubelet's buffers, and those of a real network. */
  @Override
  protected long pausedBufferBound() {
    return 64L * 1024 * 1024;
  }
}
