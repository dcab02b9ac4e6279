package org.pocketlab.sandbox.kubernetes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server stand-in for tests, over real HTTP: pods and persistent volume claims of any
 * namespace, kept in memory, with what the runtime relies on: create (409 AlreadyExists), get, list with
 * label selectors, delete (pods go through "terminating"; a claim in use waits for its pods, like
 * pvc-protection), JSON merge patch with a {@code resourceVersion} precondition (409 Conflict), and watch
 * (chunked JSON lines, resumable from a resource version, 410 when too old). Pods are run by a
 * {@link FakeKubelet}, which also serves {@code pods/exec}.
 *
 * <p>Knobs for tests: {@link #failNext} (injected errors), {@link #dropWatches()}, {@link #requests()}.
 */
final class FakeKubeApi implements AutoCloseable {

  private static final Pattern PATH = Pattern.compile(
      "/api/v1/namespaces/([a-z0-9-]+)/(pods|persistentvolumeclaims)(?:/([a-z0-9.-]+))?(?:/(exec))?");

  record Event(long version, String kind, String namespace, String type, JsonObject object) {}

  private record Failure(HttpMethod method, String pathPart, int code, int[] left) {}

  private record Watcher(String kind, String namespace, String selector, HttpServerResponse response) {}

  final Vertx vertx;
  final Path dataDir;
  final FakeKubelet kubelet;
  private final HttpServer server;
  private final Map<String, JsonObject> objects = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final List<Failure> failures = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private long version = 1000;
  private long oldestEvent = 1000;

  /** @param execProtocols offered to exec clients, in order of preference */
  FakeKubeApi(Vertx vertx, Path dataDir, Map<String, Path> imageFiles, List<String> execProtocols) throws Exception {
    this.vertx = vertx;
    this.dataDir = dataDir;
    this.kubelet = new FakeKubelet(this, imageFiles);
    // No compression (the API server does not offer it either): "yes" would compress a thousandfold, so
    // what TCP holds for a paused reader would no longer be a few megabytes.
    this.server = vertx.createHttpServer(new HttpServerOptions().setWebSocketSubProtocols(execProtocols)
            .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
        .requestHandler(this::handle);
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** A kubeconfig that points the official client here. */
  Path kubeconfig() throws IOException {
    Path file = dataDir.resolve("kubeconfig");
    Files.writeString(file, String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: fake",
        "  cluster:",
        "    server: " + url(),
        "users:",
        "- name: tester",
        "  user:",
        "    token: test-token",
        "contexts:",
        "- name: fake",
        "  context: {cluster: fake, user: tester}",
        "current-context: fake",
        ""), StandardCharsets.UTF_8);
    return file;
  }

  // ---------------------------------------------------------------------------------------- test knobs

  /** The next {@code times} requests with this method whose path contains {@code pathPart} fail with {@code code}. */
  void failNext(HttpMethod method, String pathPart, int code, int times) {
    failures.add(new Failure(method, pathPart, code, new int[] {times}));
  }

  /** Ends every open watch the way a broken connection does. */
  void dropWatches() {
    for (Watcher w : watchers) {
      watchers.remove(w);
      w.response.reset();
    }
  }

  /** Ends every open watch as the server's timeout does (the client may resume from where it was). */
  void endWatches() {
    for (Watcher w : watchers) {
      watchers.remove(w);
      w.response.end();
    }
  }

  int openWatches() {
    return watchers.size();
  }

  /** Forgets old events: a watch resuming from any version handed out so far gets 410 Gone. */
  synchronized void compact() {
    events.clear();
    oldestEvent = ++version;
  }

  /** "METHOD path?query" of every request so far. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  synchronized Optional<JsonObject> get(String kind, String namespace, String name) {
    return Optional.ofNullable(objects.get(key(kind, namespace, name))).map(JsonObject::copy);
  }

  synchronized List<JsonObject> all(String kind, String namespace) {
    List<JsonObject> list = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : objects.entrySet()) {
      if (e.getKey().startsWith(kind + "/" + namespace + "/")) list.add(e.getValue().copy());
    }
    return list;
  }

  /** Creates an object as a client would (the kubelet starts pods). */
  synchronized JsonObject create(String kind, String namespace, JsonObject object) {
    JsonObject meta = object.getJsonObject("metadata");
    meta.put("namespace", namespace).put("uid", UUID.randomUUID().toString())
        .put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    if ("pods".equals(kind)) object.put("status", new JsonObject().put("phase", "Pending"));
    else object.put("status", new JsonObject().put("phase", "Bound"));
    store(kind, namespace, object, "ADDED");
    if ("pods".equals(kind)) kubelet.podCreated(namespace, meta.getString("name"), meta.getString("uid"));
    else kubelet.claimCreated(namespace, meta.getString("name"));
    return object.copy();
  }

  /** Changes an object (the kubelet's status updates); empty if it is gone. */
  synchronized Optional<JsonObject> update(String kind, String namespace, String name,
      java.util.function.Consumer<JsonObject> change) {
    JsonObject current = objects.get(key(kind, namespace, name));
    if (current == null) return Optional.empty();
    JsonObject next = current.copy();
    change.accept(next);
    store(kind, namespace, next, "MODIFIED");
    return Optional.of(next.copy());
  }

  /** Removes an object for good (the kubelet, once a deleted pod's processes are gone). */
  synchronized void remove(String kind, String namespace, String name) {
    JsonObject gone = objects.remove(key(kind, namespace, name));
    if (gone == null) return;
    gone.getJsonObject("metadata").put("resourceVersion", Long.toString(++version));
    publish(kind, namespace, "DELETED", gone);
    if ("pods".equals(kind)) {
      kubelet.podRemoved(namespace, name, gone);
      // pvc-protection: claims waiting for this pod to go
      for (JsonObject claim : all("persistentvolumeclaims", namespace)) {
        JsonObject meta = claim.getJsonObject("metadata");
        if (meta.getString("deletionTimestamp") != null && !claimInUse(namespace, meta.getString("name"))) {
          remove("persistentvolumeclaims", namespace, meta.getString("name"));
        }
      }
    } else {
      kubelet.claimRemoved(namespace, name);
    }
  }

  private void store(String kind, String namespace, JsonObject object, String type) {
    JsonObject meta = object.getJsonObject("metadata");
    meta.put("resourceVersion", Long.toString(++version));
    objects.put(key(kind, namespace, meta.getString("name")), object);
    publish(kind, namespace, type, object);
  }

  private void publish(String kind, String namespace, String type, JsonObject object) {
    Event event = new Event(version, kind, namespace, type, object.copy());
    events.add(event);
    for (Watcher w : watchers) {
      if (w.kind.equals(kind) && w.namespace.equals(namespace) && Selector.matches(w.selector, event.object)) {
        send(w, type, event.object);
      }
    }
  }

  private boolean claimInUse(String namespace, String claim) {
    for (JsonObject pod : all("pods", namespace)) {
      JsonArray volumes = pod.getJsonObject("spec").getJsonArray("volumes", new JsonArray());
      for (int i = 0; i < volumes.size(); i++) {
        JsonObject pvc = volumes.getJsonObject(i).getJsonObject("persistentVolumeClaim");
        if (pvc != null && claim.equals(pvc.getString("claimName"))) return true;
      }
    }
    return false;
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  // ------------------------------------------------------------------------------------------------ HTTP

  private void handle(HttpServerRequest req) {
    requests.add(req.method() + " " + req.uri());
    Matcher m = PATH.matcher(req.path());
    if (!m.matches()) {
      status(req.response(), 404, "NotFound", "no such path: " + req.path());
      return;
    }
    for (Failure f : failures) {
      if (f.method.equals(req.method()) && req.uri().contains(f.pathPart) && f.left[0] > 0) {
        if (--f.left[0] == 0) failures.remove(f);
        status(req.response(), f.code, f.code == 409 ? "Conflict" : "InternalError", "injected failure");
        return;
      }
    }
    String ns = m.group(1);
    String kind = m.group(2);
    String name = m.group(3);
    if (m.group(4) != null) {
      kubelet.exec(req, ns, name);
      return;
    }
    req.body().onSuccess(body -> {
      synchronized (this) {
        route(req, ns, kind, name, body);
      }
    });
  }

  private void route(HttpServerRequest req, String ns, String kind, String name, Buffer body) {
    HttpServerResponse res = req.response();
    String singular = kind.equals("pods") ? "pods" : "persistentvolumeclaims";
    if (name == null && req.method() == HttpMethod.GET) {
      if ("true".equals(req.getParam("watch"))) watch(req, ns, kind);
      else list(res, ns, kind, req.getParam("labelSelector"));
    } else if (name == null && req.method() == HttpMethod.POST) {
      JsonObject object = body.toJsonObject();
      String n = object.getJsonObject("metadata").getString("name");
      if (objects.containsKey(key(kind, ns, n))) {
        status(res, 409, "AlreadyExists", singular + " \"" + n + "\" already exists");
      } else {
        json(res, 201, create(kind, ns, object));
      }
    } else if (name != null) {
      JsonObject current = objects.get(key(kind, ns, name));
      if (current == null) {
        status(res, 404, "NotFound", singular + " \"" + name + "\" not found");
        return;
      }
      switch (req.method().name()) {
        case "GET" -> json(res, 200, current);
        case "DELETE" -> json(res, 200, delete(kind, ns, name, current));
        case "PATCH" -> patch(res, kind, ns, name, current, body.toJsonObject());
        default -> status(res, 405, "MethodNotAllowed", req.method() + " is not served here");
      }
    } else {
      status(res, 405, "MethodNotAllowed", req.method() + " is not served here");
    }
  }

  private JsonObject delete(String kind, String ns, String name, JsonObject current) {
    if (current.getJsonObject("metadata").getString("deletionTimestamp") != null) return current;
    if (kind.equals("persistentvolumeclaims") && !claimInUse(ns, name)) {
      remove(kind, ns, name);
      return current;
    }
    Optional<JsonObject> marked = update(kind, ns, name, o -> o.getJsonObject("metadata")
        .put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("deletionGracePeriodSeconds", 2));
    if (kind.equals("pods")) kubelet.podDeleted(ns, name);
    return marked.orElse(current);
  }

  private void patch(HttpServerResponse res, String kind, String ns, String name, JsonObject current, JsonObject patch) {
    JsonObject meta = patch.getJsonObject("metadata");
    if (meta != null && meta.containsKey("resourceVersion")) {
      String expected = String.valueOf(meta.remove("resourceVersion"));
      if (!expected.equals(current.getJsonObject("metadata").getString("resourceVersion"))) {
        status(res, 409, "Conflict", "Operation cannot be fulfilled on " + kind + " \"" + name + "\": the object has"
            + " been modified; please apply your changes to the latest version and try again");
        return;
      }
    }
    json(res, 200, update(kind, ns, name, o -> mergePatch(o, patch)).orElseThrow());
  }

  /** RFC 7386. */
  static void mergePatch(JsonObject target, JsonObject patch) {
    for (String field : patch.fieldNames()) {
      Object value = patch.getValue(field);
      if (value == null) {
        target.remove(field);
      } else if (value instanceof JsonObject p && target.getValue(field) instanceof JsonObject t) {
        mergePatch(t, p);
      } else if (value instanceof JsonObject p) {
        JsonObject fresh = new JsonObject();
        mergePatch(fresh, p);
        target.put(field, fresh);
      } else {
        target.put(field, value);
      }
    }
  }

  private void list(HttpServerResponse res, String ns, String kind, String selector) {
    JsonArray items = new JsonArray();
    for (JsonObject o : all(kind, ns)) if (Selector.matches(selector, o)) items.add(o);
    json(res, 200, new JsonObject()
        .put("kind", kind.equals("pods") ? "PodList" : "PersistentVolumeClaimList")
        .put("apiVersion", "v1")
        .put("metadata", new JsonObject().put("resourceVersion", Long.toString(version)))
        .put("items", items));
  }

  private void watch(HttpServerRequest req, String ns, String kind) {
    HttpServerResponse res = req.response().setChunked(true).putHeader("Content-Type", "application/json");
    res.setStatusCode(200);
    Watcher w = new Watcher(kind, ns, req.getParam("labelSelector"), res);
    String from = req.getParam("resourceVersion");
    long since = from == null || from.isEmpty() ? 0 : Long.parseLong(from);
    if (since == 0) {
      for (JsonObject o : all(kind, ns)) if (Selector.matches(w.selector, o)) send(w, "ADDED", o);
    } else if (since < oldestEvent) {
      res.write(new JsonObject().put("type", "ERROR").put("object", statusBody(410, "Expired",
          "too old resource version: " + since)).encode() + "\n");
      res.end();
      return;
    } else {
      for (Event e : events) {
        if (e.version > since && e.kind.equals(kind) && e.namespace.equals(ns) && Selector.matches(w.selector, e.object)) {
          send(w, e.type, e.object);
        }
      }
    }
    watchers.add(w);
    res.closeHandler(v -> watchers.remove(w));
    long seconds = Optional.ofNullable(req.getParam("timeoutSeconds")).map(Long::parseLong).orElse(300L);
    vertx.setTimer(seconds * 1000, t -> {
      if (watchers.remove(w)) res.end();
    });
  }

  private void send(Watcher w, String type, JsonObject object) {
    w.response.write(new JsonObject().put("type", type).put("object", object).encode() + "\n");
  }

  static void json(HttpServerResponse res, int code, JsonObject body) {
    res.setStatusCode(code).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void status(HttpServerResponse res, int code, String reason, String message) {
    json(res, code, statusBody(code, reason, message));
  }

  static JsonObject statusBody(int code, String reason, String message) {
    return new JsonObject().put("kind", "Status").put("apiVersion", "v1").put("metadata", new JsonObject())
        .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
  }

  @Override
  public void close() throws Exception {
    kubelet.close();
    for (Iterator<Watcher> it = watchers.iterator(); it.hasNext(); ) {
      Watcher w = it.next();
      watchers.remove(w);
      w.response.reset();
    }
    server.close().await(10, TimeUnit.SECONDS);
  }

  /** Equality-based label selectors: {@code a=b}, {@code a!=b}, {@code a}, {@code !a}, comma-separated. */
  static final class Selector {
    static boolean matches(String selector, JsonObject object) {
      if (selector == null || selector.isBlank()) return true;
      JsonObject labels = object.getJsonObject("metadata").getJsonObject("labels", new JsonObject());
      for (String term : selector.split(",")) {
        String t = term.trim();
        if (t.contains("!=")) {
          String[] kv = t.split("!=", 2);
          if (kv[1].equals(labels.getString(kv[0]))) return false;
        } else if (t.contains("=")) {
          String[] kv = t.split("==?", 2);
          if (!kv[1].equals(labels.getString(kv[0]))) return false;
        } else if (t.startsWith("!")) {
          if (labels.containsKey(t.substring(1))) return false;
        } else if (!labels.containsKey(t)) {
          return false;
        }
      }
      return true;
    }
  }
}
