package org.pocketlab.sandbox.kubernetes;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.WebSockets;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few Kubernetes API calls the runtime makes, through the official client, in one namespace. Every method
 * blocks: call them on a worker thread, never on an event loop. Transient failures (no connection, 429, 5xx)
 * are retried with exponential backoff and jitter; what remains is a {@link Failure}.
 *
 * <p>Three HTTP clients share one connection pool and dispatcher: plain calls (30 s timeouts), watches (read
 * timeout just above the server-side watch timeout) and exec WebSockets (no write timeout: a process that does
 * not read its input must not cut its connection; no pings: a consumer holding output back also holds back the
 * pong). The dispatcher allows many concurrent calls, because every open exec holds one for its whole life.
 */
final class KubeApi {

  private static final Logger log = LoggerFactory.getLogger(KubeApi.class);
  static final int WATCH_SECONDS = 300;

  /** A call that failed for good: {@code code} is the HTTP status, 0 when the API server was not reached. */
  static final class Failure extends RuntimeException {
    final int code;

    Failure(String what, int code, String detail, Throwable cause) {
      super(what + " failed" + (code > 0 ? " (HTTP " + code + ")" : "") + ": " + detail, cause);
      this.code = code;
    }

    boolean notFound() {
      return code == 404;
    }

    boolean conflict() {
      return code == 409;
    }
  }

  @FunctionalInterface
  private interface Call0<T> {
    T call() throws ApiException;
  }

  private final ApiClient client;
  private final ApiClient execClient;
  private final OkHttpClient watchHttp;
  private final CoreV1Api core;
  private final String namespace;
  private final int attempts;
  private final Duration firstBackoff;

  KubeApi(ApiClient base, ApiClient forExec, String namespace, int attempts, Duration firstBackoff) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(100_000);
    dispatcher.setMaxRequestsPerHost(100_000);
    OkHttpClient http = base.getHttpClient().newBuilder()
        .dispatcher(dispatcher)
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(30, TimeUnit.SECONDS)
        .writeTimeout(30, TimeUnit.SECONDS)
        .build();
    base.setHttpClient(http);
    this.client = base;
    this.watchHttp = http.newBuilder().readTimeout(WATCH_SECONDS + 30, TimeUnit.SECONDS).build();
    forExec.setHttpClient(forExec.getHttpClient().newBuilder()
        .dispatcher(dispatcher)
        .connectionPool(http.connectionPool())
        .connectTimeout(10, TimeUnit.SECONDS)
        .writeTimeout(0, TimeUnit.SECONDS)
        .pingInterval(0, TimeUnit.SECONDS)
        .build());
    this.execClient = forExec;
    this.core = new CoreV1Api(base);
    this.namespace = namespace;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  /**
   * Credentials from {@code kubeconfig} if given, else the client's standard lookup: {@code $KUBECONFIG},
   * {@code ~/.kube/config}, then the service account of the pod we run in. The file is never written back.
   */
  static KubeApi connect(KubernetesSettings settings) throws IOException {
    ClientBuilder builder;
    if (settings.kubeconfig().isPresent()) {
      Path file = settings.kubeconfig().get();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        config.setFile(file.toFile());
        builder = ClientBuilder.kubeconfig(config);
      }
    } else {
      builder = ClientBuilder.standard(false);
    }
    return new KubeApi(builder.build(), builder.build(), settings.namespace(), 5, Duration.ofMillis(200));
  }

  String basePath() {
    return client.getBasePath();
  }

  // ------------------------------------------------------------------------------------------------ pods

  V1PodList listPods(String selector) {
    return call("list pods " + selector, () -> core.listNamespacedPod(namespace).labelSelector(selector).execute());
  }

  Optional<V1Pod> readPod(String name) {
    return optional("read pod " + name, () -> core.readNamespacedPod(name, namespace).execute());
  }

  /** True if created, false if a pod of that name exists already (409). */
  boolean createPod(V1Pod pod) {
    return created("create pod " + pod.getMetadata().getName(),
        () -> core.createNamespacedPod(namespace, pod).execute());
  }

  /** Deletes with the pod's own grace period; a pod that is gone already is fine. */
  void deletePod(String name) {
    optional("delete pod " + name, () -> core.deleteNamespacedPod(name, namespace).execute());
  }

  /**
   * A JSON merge patch. A {@code metadata.resourceVersion} in it makes it conditional: a {@link Failure} with
   * {@link Failure#conflict()} if the pod changed meanwhile. Empty if the pod is gone.
   */
  Optional<V1Pod> patchPod(String name, String mergePatch) {
    return optional("patch pod " + name, () -> PatchUtils.patch(V1Pod.class,
        () -> core.patchNamespacedPod(name, namespace, new V1Patch(mergePatch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
  }

  // ------------------------------------------------------------------------------------------ workspaces

  List<V1PersistentVolumeClaim> listClaims(String selector) {
    return call("list workspace claims " + selector,
        () -> core.listNamespacedPersistentVolumeClaim(namespace).labelSelector(selector).execute()).getItems();
  }

  Optional<V1PersistentVolumeClaim> readClaim(String name) {
    return optional("read workspace claim " + name, () -> core.readNamespacedPersistentVolumeClaim(name, namespace)
        .execute());
  }

  boolean createClaim(V1PersistentVolumeClaim claim) {
    return created("create workspace claim " + claim.getMetadata().getName(),
        () -> core.createNamespacedPersistentVolumeClaim(namespace, claim).execute());
  }

  void deleteClaim(String name) {
    optional("delete workspace claim " + name,
        () -> core.deleteNamespacedPersistentVolumeClaim(name, namespace).execute());
  }

  Optional<V1PersistentVolumeClaim> patchClaim(String name, String mergePatch) {
    return optional("patch workspace claim " + name, () -> PatchUtils.patch(V1PersistentVolumeClaim.class,
        () -> core.patchNamespacedPersistentVolumeClaim(name, namespace, new V1Patch(mergePatch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
  }

  // ------------------------------------------------------------------------------------ watch and exec

  /** A watch of our pods from {@code resourceVersion} (not retried: the caller re-lists and backs off). */
  Watch<V1Pod> watchPods(String selector, String resourceVersion) throws ApiException {
    Call template = core.listNamespacedPod(namespace)
        .labelSelector(selector)
        .resourceVersion(resourceVersion)
        .allowWatchBookmarks(true)
        .timeoutSeconds(WATCH_SECONDS)
        .watch(true)
        .buildCall(null);
    return Watch.createWatch(client, watchHttp.newCall(template.request()),
        new TypeToken<Watch.Response<V1Pod>>() {}.getType());
  }

  /** Opens {@code pods/exec} as a WebSocket; the listener hears everything (open, frames, failure, close). */
  void exec(String pod, String container, List<String> command, boolean tty, WebSockets.SocketListener listener) {
    List<Pair> query = new ArrayList<>();
    query.add(new Pair("container", container));
    query.add(new Pair("stdin", "true"));
    query.add(new Pair("stdout", "true"));
    query.add(new Pair("stderr", "false"));
    query.add(new Pair("tty", Boolean.toString(tty)));
    for (String arg : command) query.add(new Pair("command", arg));
    try {
      WebSockets.stream("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/exec", "GET", query, execClient,
          listener);
    } catch (ApiException | IOException e) {
      listener.failure(e);
      listener.close();
    }
  }

  // ------------------------------------------------------------------------------------------- plumbing

  private <T> T call(String what, Call0<T> call) {
    Duration wait = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (ApiException e) {
        boolean transientFailure = e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500;
        String detail = e.getCode() == 0 ? String.valueOf(e.getMessage()) : statusMessage(e);
        if (!transientFailure || attempt >= attempts) throw new Failure(what, e.getCode(), detail, e);
        long sleep = wait.toMillis() / 2 + ThreadLocalRandom.current().nextLong(wait.toMillis() / 2 + 1);
        log.info("Kubernetes: {} failed ({}), attempt {} of {}; again in {} ms", what,
            e.getCode() == 0 ? detail : "HTTP " + e.getCode(), attempt, attempts, sleep);
        pause(sleep);
        wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : wait.multipliedBy(2);
      }
    }
  }

  private <T> Optional<T> optional(String what, Call0<T> call) {
    try {
      return Optional.ofNullable(call(what, call));
    } catch (Failure f) {
      if (f.notFound()) return Optional.empty();
      throw f;
    }
  }

  private boolean created(String what, Call0<?> call) {
    try {
      call(what, call);
      return true;
    } catch (Failure f) {
      if (f.conflict()) return false; // AlreadyExists: another replica (or our own earlier attempt) made it
      throw f;
    }
  }

  /** The {@code message} of the {@code v1.Status} body, or the body itself. */
  private static String statusMessage(ApiException e) {
    String body = e.getResponseBody();
    if (body == null || body.isBlank()) return String.valueOf(e.getMessage());
    try {
      String message = new io.vertx.core.json.JsonObject(body).getString("message");
      return message != null ? message : body;
    } catch (RuntimeException notJson) {
      return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("waiting to retry", 0, "interrupted", e);
    }
  }
}
