package org.pocketlab.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1LimitRange;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ResourceQuota;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pocketlab.config.Settings;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxSettings;

/**
 * The deployment under {@code deploy/}: both overlays render with {@code kubectl kustomize} (Debian's
 * {@code kubernetes-client}, or {@code $KUBECTL}), everything parses into the official client's typed objects,
 * every pod (ours, Keycloak, PostgreSQL, and the sandbox pods the server creates with these settings) meets the
 * {@code restricted} Pod Security Standard its namespace enforces, and the pieces fit together.
 */
class DeployManifestsTest {

  private static final Path REPO = Path.of(System.getProperty("pocketlab.repoRoot", "..")).toAbsolutePath().normalize();
  private static final String APP_NS = "pocketlab";
  private static final String SANDBOX_NS = "pocketlab-sandboxes";

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theOverlayRendersAndEveryPodMeetsTheRestrictedProfile(String overlay) throws Exception {
    List<Object> objects = render(overlay);
    for (V1Namespace ns : all(objects, V1Namespace.class)) {
      assertEquals("restricted", ns.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"),
          ns.getMetadata().getName());
    }
    List<V1PodTemplateSpec> templates = new ArrayList<>();
    for (V1Deployment d : all(objects, V1Deployment.class)) templates.add(d.getSpec().getTemplate());
    for (V1StatefulSet s : all(objects, V1StatefulSet.class)) templates.add(s.getSpec().getTemplate());
    assertFalse(templates.isEmpty());
    for (V1PodTemplateSpec t : templates) {
      assertEquals(List.of(), RestrictedProfile.violations(t.getSpec()), t.getMetadata().getLabels().toString());
      for (V1Container c : t.getSpec().getContainers()) {
        assertNotNull(c.getResources().getRequests(), c.getName() + " requests");
        assertNotNull(c.getResources().getLimits().get("memory"), c.getName() + " memory limit");
      }
    }
    assertEquals(overlay.equals("dev"), all(objects, V1StatefulSet.class).stream()
        .anyMatch(s -> s.getMetadata().getName().equals("postgres")), "PostgreSQL only in dev");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theServerRunsTwiceWithProbesAndSettingsThatBoot(String overlay) throws Exception {
    List<Object> objects = render(overlay);
    V1Deployment server = named(objects, V1Deployment.class, "pocketlab-server");
    assertEquals(APP_NS, server.getMetadata().getNamespace());
    assertEquals(2, server.getSpec().getReplicas());
    var pod = server.getSpec().getTemplate().getSpec();
    V1Container c = pod.getContainers().get(0);
    assertEquals(List.of("serve"), c.getArgs());
    assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("pocketlab-server", pod.getServiceAccountName());
    assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
    assertTrue(pod.getSecurityContext().getRunAsUser() > 0);

    String configName = c.getEnvFrom().get(0).getConfigMapRef().getName();
    V1ConfigMap config = named(objects, V1ConfigMap.class, configName);
    assertNotNull(c.getEnvFrom().get(1).getSecretRef(), "secrets from a Secret");
    Map<String, String> env = new HashMap<>(config.getData());
    env.put("POCKETLAB_DB_PASSWORD", "from-the-secret");
    env.put("POCKETLAB_OIDC_CLIENT_SECRET", "from-the-secret");
    Settings settings = Settings.from(env); // what the server would read at boot: valid
    assertEquals(SandboxSettings.RuntimeKind.KUBERNETES, settings.sandbox().runtime());
    assertEquals(SANDBOX_NS, settings.kubernetes().namespace());
    assertTrue(settings.dbUrl().isPresent(), "an explicit database");
    assertTrue(settings.oidc().issuer().isPresent(), "sign-in configured");

    // The issuer is served by the Keycloak of this deployment, under the Ingress's second host.
    V1Ingress ingress = named(objects, V1Ingress.class, "pocketlab");
    String issuerHost = java.net.URI.create(settings.oidc().issuer().get().toString()).getHost();
    assertEquals(settings.publicUrl().getHost(), ingress.getSpec().getRules().get(0).getHost());
    assertEquals(issuerHost, ingress.getSpec().getRules().get(1).getHost());
    V1Deployment keycloak = named(objects, V1Deployment.class, "keycloak");
    String kcHostname = keycloak.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("KC_HOSTNAME")).findFirst().orElseThrow().getValue();
    assertEquals(settings.oidc().issuer().get().toString(), kcHostname + "/realms/pocketlab");
  }

  @Test
  void theIngressIsReadyForWebSocketsAndSticky() throws Exception {
    V1Ingress ingress = named(render("prod"), V1Ingress.class, "pocketlab");
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    assertTrue(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 3600);
    assertTrue(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-send-timeout")) >= 3600);
    assertEquals("cookie", a.get("nginx.ingress.kubernetes.io/affinity"));
    assertEquals("off", a.get("nginx.ingress.kubernetes.io/proxy-buffering"));
    assertEquals("pocketlab-server", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend()
        .getService().getName());
    assertEquals(List.of("lab.example.org", "id.example.org"), ingress.getSpec().getTls().get(0).getHosts());
    assertFalse(ingress.getSpec().getRules().get(1).getHttp().getPaths().stream()
        .anyMatch(p -> p.getPath().equals("/") || p.getPath().startsWith("/admin")), "no Keycloak admin console outside");
  }

  @Test
  void theServerMayManageSandboxPodsAndNothingElse() throws Exception {
    List<Object> objects = render("prod");
    V1Role role = named(objects, V1Role.class, "pocketlab-sandbox-manager");
    assertEquals(SANDBOX_NS, role.getMetadata().getNamespace());
    Map<String, Set<String>> verbs = new HashMap<>();
    role.getRules().forEach(r -> r.getResources().forEach(res -> verbs.computeIfAbsent(res, k -> new java.util.HashSet<>())
        .addAll(r.getVerbs())));
    assertEquals(Set.of("pods", "pods/exec", "pods/attach", "persistentvolumeclaims"), verbs.keySet());
    assertEquals(Set.of("get", "list", "watch", "create", "delete", "patch"), verbs.get("pods"));
    assertEquals(Set.of("get", "create"), verbs.get("pods/exec"));
    assertEquals(Set.of("get", "list", "watch", "create", "delete", "patch"), verbs.get("persistentvolumeclaims"));
    role.getRules().forEach(r -> assertEquals(List.of(""), r.getApiGroups(), "core API only"));

    V1RoleBinding binding = named(objects, V1RoleBinding.class, "pocketlab-server");
    assertEquals(SANDBOX_NS, binding.getMetadata().getNamespace());
    assertEquals("pocketlab-sandbox-manager", binding.getRoleRef().getName());
    assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
    assertEquals("pocketlab-server", binding.getSubjects().get(0).getName());
    assertEquals(APP_NS, binding.getSubjects().get(0).getNamespace());
  }

  @Test
  void sandboxesReachNothingAndOnlyTheServerReachesThem() throws Exception {
    V1NetworkPolicy policy = all(render("prod"), V1NetworkPolicy.class).stream()
        .filter(p -> p.getMetadata().getNamespace().equals(SANDBOX_NS)).findFirst().orElseThrow();
    assertTrue(policy.getSpec().getPodSelector().getMatchLabels() == null
        || policy.getSpec().getPodSelector().getMatchLabels().isEmpty(), "every pod of the namespace");
    assertEquals(Set.of("Ingress", "Egress"), Set.copyOf(policy.getSpec().getPolicyTypes()));
    for (V1NetworkPolicyEgressRule rule : Optional.ofNullable(policy.getSpec().getEgress()).orElse(List.of())) {
      for (V1NetworkPolicyPeer peer : rule.getTo()) {
        assertTrue(peer.getIpBlock() != null && peer.getIpBlock().getExcept().contains("169.254.169.254/32"),
            "any egress keeps the cloud metadata endpoint out: " + peer);
      }
    }
    assertEquals(List.of(), policy.getSpec().getEgress(), "no egress at all");
    List<V1NetworkPolicyPeer> from = policy.getSpec().getIngress().get(0).getFrom();
    assertEquals(1, from.size());
    assertEquals(Map.of("kubernetes.io/metadata.name", APP_NS), from.get(0).getNamespaceSelector().getMatchLabels());
    assertEquals(Map.of("app.kubernetes.io/name", "pocketlab-server"), from.get(0).getPodSelector().getMatchLabels());
  }

  @Test
  void theSandboxPodTheServerWouldCreateFitsTheNamespace() throws Exception {
    List<Object> objects = render("prod");
    V1ConfigMap config = named(objects, V1ConfigMap.class, "pocketlab-config");
    Map<String, String> env = new HashMap<>(config.getData());
    env.put("POCKETLAB_DB_PASSWORD", "x");
    env.put("POCKETLAB_OIDC_CLIENT_SECRET", "x");
    Settings settings = Settings.from(env);
    SandboxPods specs = new SandboxPods(settings.kubernetes(), settings.sandbox());
    SandboxId id = new SandboxId("a-learner", "django-pocket-book");
    V1Pod pod = specs.pod(SandboxPods.podName(id), SandboxPods.learnerLabels(id), Map.of(), SandboxPods.claimName(id),
        Optional.empty());
    assertEquals(SANDBOX_NS, pod.getMetadata().getNamespace());
    assertEquals(List.of(), RestrictedProfile.violations(pod.getSpec()));
    assertEquals(Boolean.FALSE, pod.getSpec().getAutomountServiceAccountToken());

    V1LimitRange limits = all(objects, V1LimitRange.class).stream()
        .filter(l -> l.getMetadata().getNamespace().equals(SANDBOX_NS)).findFirst().orElseThrow();
    var containerMax = limits.getSpec().getLimits().stream().filter(l -> l.getType().equals("Container"))
        .findFirst().orElseThrow().getMax();
    for (V1Container c : concat(pod.getSpec().getContainers(), pod.getSpec().getInitContainers())) {
      for (String r : List.of("cpu", "memory")) {
        assertTrue(c.getResources().getLimits().get(r).getNumber().compareTo(containerMax.get(r).getNumber()) <= 0,
            c.getName() + " " + r + " within the LimitRange");
      }
    }
    Quantity claimMax = limits.getSpec().getLimits().stream().filter(l -> l.getType().equals("PersistentVolumeClaim"))
        .findFirst().orElseThrow().getMax().get("storage");
    assertTrue(specs.claim("ws", Map.of(), Map.of()).getSpec().getResources().getRequests().get("storage").getNumber()
        .compareTo(claimMax.getNumber()) <= 0, "the workspace within the LimitRange");
    V1ResourceQuota quota = all(objects, V1ResourceQuota.class).stream()
        .filter(q -> q.getMetadata().getNamespace().equals(SANDBOX_NS)).findFirst().orElseThrow();
    assertTrue(quota.getSpec().getHard().keySet().containsAll(Set.of("pods", "limits.memory", "persistentvolumeclaims")));
    assertTrue(all(objects, io.kubernetes.client.openapi.models.V1ServiceAccount.class).stream()
        .anyMatch(sa -> sa.getMetadata().getNamespace().equals(SANDBOX_NS) && sa.getMetadata().getName().equals("default")
            && Boolean.FALSE.equals(sa.getAutomountServiceAccountToken())), "no token for the namespace's pods");
  }

  @Test
  void keycloakImportsTheRealmOfThisRepository() throws Exception {
    List<Object> objects = render("dev");
    V1Deployment keycloak = named(objects, V1Deployment.class, "keycloak");
    V1Container c = keycloak.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertTrue(c.getArgs().contains("--import-realm"));
    String volume = keycloak.getSpec().getTemplate().getSpec().getVolumes().get(0).getConfigMap().getName();
    V1ConfigMap realm = named(objects, V1ConfigMap.class, volume);
    assertEquals(Files.readString(REPO.resolve("deploy/keycloak/pocketlab-realm.json")),
        realm.getData().get("pocketlab-realm.json"));
    assertEquals("/opt/keycloak/data/import", c.getVolumeMounts().get(0).getMountPath());
    assertTrue(all(objects, V1Secret.class).stream().anyMatch(s -> s.getMetadata().getName().startsWith("keycloak-secrets")));
    assertTrue(all(objects, V1Service.class).stream().anyMatch(s -> s.getMetadata().getName().equals("keycloak")));
  }

  @Test
  void everyManifestFileParsesIntoTypedObjects() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(REPO.resolve("deploy"))) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml"))
          .filter(p -> !read(p).startsWith("- op:")) // JSON patches
          .toList();
    }
    assertTrue(files.size() >= 15, files.toString());
    for (Path file : files) {
      List<Object> objects = Yaml.loadAll(read(file));
      assertFalse(objects.isEmpty(), file.toString());
      for (Object o : objects) {
        V1ObjectMeta meta = (V1ObjectMeta) o.getClass().getMethod("getMetadata").invoke(o);
        assertNotNull(meta.getName(), file + ": " + o.getClass().getSimpleName() + " without a name");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private static final Map<String, List<Object>> rendered = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code kubectl kustomize} of the overlay, parsed; the typed client refuses unknown fields. */
  private static List<Object> render(String overlay) throws Exception {
    List<Object> cached = rendered.get(overlay);
    if (cached != null) return cached;
    String kubectl = Optional.ofNullable(System.getenv("KUBECTL")).orElse("kubectl");
    Process p;
    try {
      p = new ProcessBuilder(kubectl, "kustomize", REPO.resolve("deploy/k8s/overlays/" + overlay).toString())
          .redirectError(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new AssertionError("kubectl is needed to render deploy/k8s: deploy/local/install-deps --tests installs"
          + " Debian's kubernetes-client (or set KUBECTL)", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) fail("kubectl kustomize " + overlay + " failed: " + err);
    List<Object> objects = Yaml.loadAll(out);
    rendered.put(overlay, objects);
    return objects;
  }

  private static <T> List<T> all(List<Object> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** By name, or by generated name ({@code name-<hash>}). */
  private static <T> T named(List<Object> objects, Class<T> type, String name) throws Exception {
    Method meta = type.getMethod("getMetadata");
    for (T o : all(objects, type)) {
      String n = ((V1ObjectMeta) meta.invoke(o)).getName();
      if (n.equals(name) || n.matches(java.util.regex.Pattern.quote(name) + "-[a-z0-9]{10}")) return o;
    }
    throw new AssertionError("No " + type.getSimpleName() + " " + name);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<V1Container> concat(List<V1Container> a, List<V1Container> b) {
    List<V1Container> all = new ArrayList<>(a);
    if (b != null) all.addAll(b);
    return all;
  }
}
