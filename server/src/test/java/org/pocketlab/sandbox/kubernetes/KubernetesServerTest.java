package org.pocketlab.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TerminalClient;
import org.pocketlab.testsupport.TestServer;

/**
 * The whole server with {@code POCKETLAB_SANDBOX_RUNTIME=kubernetes}, configured by environment variables like
 * in a cluster, against the API-server stand-in: Run and the terminal work over HTTP and WebSocket through
 * sandbox pods, unchanged code above the runtime seam.
 */
class KubernetesServerTest {

  private static final String COURSE = "django-pocket-book";
  private static Vertx vertx;
  private static Path dataDir;
  private static FakeKubeApi cluster;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("pocketlab-k8s-server-test-");
    cluster = new FakeKubeApi(vertx, dataDir, Map.of(SandboxPods.STARTER, KubernetesSandboxRuntimeTest.STARTER),
        List.of("v5.channel.k8s.io", "v4.channel.k8s.io"));
    server = TestServer.withKeycloak(Map.of(
        "POCKETLAB_SANDBOX_RUNTIME", "kubernetes",
        "POCKETLAB_K8S_NAMESPACE", KubernetesSandboxRuntimeTest.NAMESPACE,
        "POCKETLAB_K8S_IMAGE", KubernetesSandboxRuntimeTest.IMAGE,
        "POCKETLAB_K8S_KUBECONFIG", cluster.kubeconfig().toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (server != null) server.close();
      if (cluster != null) cluster.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      KubernetesSandboxRuntimeTest.deleteTree(dataDir);
    }
  }

  @Test
  void runStreamsFromASandboxPod() {
    Browser learner = new Browser(server);
    String csrf = Browser.csrfToken(learner.signIn("learner1", "learner1", "/").body());
    HttpResponse<String> response = learner.post("/courses/" + COURSE + "/cards/1-what-is-django/examples/1/run",
        Map.of(), "X-CSRF-Token", csrf);
    assertEquals(200, response.statusCode(), response.body());
    List<JsonObject> lines = response.body().lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
    StringBuilder out = new StringBuilder();
    lines.stream().filter(l -> l.containsKey("out")).forEach(l -> out.append(l.getString("out")));
    assertTrue(out.toString().contains("$ python -V"), out.toString());
    assertTrue(out.toString().matches("(?s).*Python 3\\.\\d+.*"), out.toString());
    JsonObject exit = lines.stream().filter(l -> l.containsKey("exit")).findFirst().orElseThrow().getJsonObject("exit");
    assertEquals(0, exit.getInteger("code"), out.toString());
    assertTrue(learnerPods().stream().anyMatch(p -> COURSE.equals(p.getJsonObject("metadata")
        .getJsonObject("annotations").getString(SandboxPods.COURSE))), "the run went to a sandbox pod");
  }

  @Test
  void theTerminalIsAShellInThePod() throws Exception {
    Browser browser = new Browser(server);
    browser.signIn("learner2", "learner2", "/");
    try (TerminalClient tab = TerminalClient.connect(server, COURSE, browser.sessionCookie().orElseThrow(),
        server.publicUrl())) {
      tab.waitForReady();
      tab.type("echo $((6*7)); hostname; pwd\r");
      tab.waitForScreen("42");
      tab.waitForScreen("/home/learner/workspace");
      tab.waitFor("the pod's host name", c -> c.screen().contains("sandbox"), Duration.ofSeconds(10));
      tab.type("stty size\r");
      tab.waitForScreen("40 120");
      tab.control("{\"type\":\"resize\",\"cols\":90,\"rows\":25}");
      // The shell applies a resize on its own context while keystrokes go straight in, so the first stty may
      // still see the old size; the new one arrives over the same exec socket soon after.
      for (int attempt = 1; !tab.screen().contains("25 90"); attempt++) {
        tab.type("stty size\r");
        try {
          tab.waitFor("the new size", c -> c.screen().contains("25 90"), Duration.ofSeconds(2));
        } catch (AssertionError e) {
          if (attempt == 10) throw e;
        }
      }
    }
  }

  private static List<JsonObject> learnerPods() {
    return cluster.all("pods", KubernetesSandboxRuntimeTest.NAMESPACE).stream()
        .filter(p -> SandboxPods.ROLE_LEARNER.equals(p.getJsonObject("metadata").getJsonObject("labels")
            .getString(SandboxPods.ROLE)))
        .toList();
  }
}
