package org.pocketlab.sandbox.kubernetes;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The node side of {@link FakeKubeApi}: starts pods (runs their init containers for real, then reports them
 * running and ready), kills what runs in a deleted pod, and serves {@code pods/exec} over the Kubernetes
 * streaming protocol. A "container" is bubblewrap over this machine's /usr and /etc with the pod's volumes
 * bound where the pod spec mounts them (claims and emptyDirs are directories under the data dir, subPaths
 * included) and the image's own files ({@code imageFiles}, e.g. the starter project) read-only. Processes run
 * as the pod's uid in a user namespace; like a container runtime, every exec on pipes gets a session of its
 * own and a PTY exec leads its terminal's session. Processes share the host's pid namespace (so a second exec
 * can kill a first one's session, as in a pod).
 */
final class FakeKubelet implements AutoCloseable {

  private final FakeKubeApi api;
  private final Map<String, Path> imageFiles;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-kubelet");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Set<Process>> processes = new ConcurrentHashMap<>();
  private volatile String holdReason;

  FakeKubelet(FakeKubeApi api, Map<String, Path> imageFiles) {
    this.api = api;
    this.imageFiles = Map.copyOf(imageFiles);
  }

  /** New pods stay pending, unschedulable with this message, until {@link #release()}. */
  void hold(String message) {
    holdReason = message;
  }

  void release() {
    holdReason = null;
  }

  Path claimDir(String ns, String claim) {
    return api.dataDir.resolve("claims").resolve(ns).resolve(claim);
  }

  /** By uid: a pod created under the name of one being removed must not share anything with it. */
  private Path podDir(String uid) {
    return api.dataDir.resolve("pods").resolve(uid);
  }

  private String uid(String ns, String name) {
    return api.get("pods", ns, name).map(p -> p.getJsonObject("metadata").getString("uid")).orElse("gone");
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  void claimCreated(String ns, String name) {
    try {
      Files.createDirectories(claimDir(ns, name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void claimRemoved(String ns, String name) {
    threads.execute(() -> deleteTree(claimDir(ns, name)));
  }

  void podCreated(String ns, String name, String uid) {
    processes.put(uid, ConcurrentHashMap.newKeySet());
    threads.execute(() -> {
      try {
        start(ns, name, uid);
      } catch (Exception e) {
        e.printStackTrace();
      }
    });
  }

  private void start(String ns, String name, String uid) throws Exception {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    while (holdReason != null) {
      String why = holdReason;
      if (api.update("pods", ns, name, p -> p.getJsonObject("status").put("conditions", new JsonArray()
          .add(condition("PodScheduled", "False").put("reason", "Unschedulable").put("message", why)))).isEmpty()) {
        return;
      }
      Thread.sleep(50);
    }
    JsonObject pod = api.update("pods", ns, name, p -> p.getJsonObject("status")
        .put("phase", "Pending").put("startTime", now)
        .put("conditions", new JsonArray().add(condition("PodScheduled", "True")).add(condition("Initialized", "False"))
            .add(condition("Ready", "False")))).orElse(null);
    if (pod == null) return;
    JsonObject spec = pod.getJsonObject("spec");
    for (Object o : spec.getJsonArray("initContainers", new JsonArray())) {
      JsonObject init = (JsonObject) o;
      api.update("pods", ns, name, p -> p.getJsonObject("status").put("initContainerStatuses", new JsonArray()
          .add(containerStatus(init, new JsonObject().put("running", new JsonObject().put("startedAt", now))))));
      List<String> argv = container(pod, init, init.getJsonArray("command").getList());
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      processes.get(uid).add(process);
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = process.waitFor();
      if (code != 0) {
        System.err.println("init container of " + name + " failed (" + code + "): " + out);
        api.update("pods", ns, name, p -> p.getJsonObject("status").put("phase", "Failed").put("initContainerStatuses",
            new JsonArray().add(containerStatus(init, terminated(code, "Error")))));
        return;
      }
    }
    api.update("pods", ns, name, p -> {
      JsonObject status = p.getJsonObject("status");
      JsonArray inits = new JsonArray();
      for (Object o : spec.getJsonArray("initContainers", new JsonArray())) {
        inits.add(containerStatus((JsonObject) o, terminated(0, "Completed")));
      }
      JsonArray containers = new JsonArray();
      for (Object o : spec.getJsonArray("containers")) {
        containers.add(containerStatus((JsonObject) o, new JsonObject().put("running",
            new JsonObject().put("startedAt", now))).put("ready", true).put("started", true));
      }
      status.put("phase", "Running").put("podIP", "10.0.0.1").put("initContainerStatuses", inits)
          .put("containerStatuses", containers)
          .put("conditions", new JsonArray().add(condition("PodScheduled", "True")).add(condition("Initialized", "True"))
              .add(condition("ContainersReady", "True")).add(condition("Ready", "True")));
    });
  }

  /** The pod was deleted: its processes are killed, then it disappears. */
  void podDeleted(String ns, String name) {
    String uid = uid(ns, name);
    threads.execute(() -> {
      killAll(uid);
      api.remove("pods", ns, name);
    });
  }

  void podRemoved(String ns, String name, JsonObject pod) {
    String uid = pod.getJsonObject("metadata").getString("uid");
    threads.execute(() -> {
      killAll(uid);
      processes.remove(uid);
      deleteTree(podDir(uid));
    });
  }

  /** The container died (OOM-killed, say): the pod fails, its processes die. */
  void crash(String ns, String name, String reason) {
    String uid = uid(ns, name);
    api.update("pods", ns, name, p -> {
      JsonObject status = p.getJsonObject("status");
      JsonArray containers = new JsonArray();
      for (Object o : p.getJsonObject("spec").getJsonArray("containers")) {
        containers.add(containerStatus((JsonObject) o, terminated(137, reason)));
      }
      status.put("phase", "Failed").put("containerStatuses", containers)
          .put("conditions", new JsonArray().add(condition("Ready", "False")));
    });
    killAll(uid);
  }

  /** The node went away with the pod: gone without a trace. */
  void vanish(String ns, String name) {
    killAll(uid(ns, name));
    api.remove("pods", ns, name);
  }

  private void killAll(String uid) {
    Set<Process> procs = processes.getOrDefault(uid, Set.of());
    // The exec wrapper records each exec's session: end those sessions first (background jobs included).
    Path execDir = podDir(uid).resolve("volumes/tmp/.pocketlab/exec");
    if (Files.isDirectory(execDir)) {
      try (Stream<Path> files = Files.list(execDir)) {
        for (Path f : files.toList()) {
          String sid = Files.readString(f).trim();
          if (sid.matches("\\d+")) new ProcessBuilder("pkill", "-KILL", "-s", sid).start().waitFor();
        }
      } catch (IOException | InterruptedException e) {
        // best effort, like a node
      }
    }
    for (Process p : procs) {
      ProcessHandle.of(p.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
      p.destroyForcibly();
    }
    for (Process p : procs) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- exec

  void exec(HttpServerRequest req, String ns, String name) {
    JsonObject pod = api.get("pods", ns, name).orElse(null);
    if (pod == null) {
      FakeKubeApi.status(req.response(), 404, "NotFound", "pods \"" + name + "\" not found");
      return;
    }
    JsonObject status = pod.getJsonObject("status");
    if (!"Running".equals(status.getString("phase")) || pod.getJsonObject("metadata").getString("deletionTimestamp") != null) {
      FakeKubeApi.status(req.response(), 400, "BadRequest", "pod " + name + " is not running");
      return;
    }
    List<String> command = req.params().getAll("command");
    boolean tty = "true".equals(req.getParam("tty"));
    boolean stderr = "true".equals(req.getParam("stderr"));
    String containerName = req.getParam("container");
    JsonObject container = pod.getJsonObject("spec").getJsonArray("containers").stream().map(o -> (JsonObject) o)
        .filter(c -> containerName == null || containerName.equals(c.getString("name"))).findFirst().orElseThrow();
    req.toWebSocket().onSuccess(ws -> {
      ws.pause(); // until the process is there to take stdin
      threads.execute(() -> {
      try {
        new ExecSession(ws, pod.getJsonObject("metadata").getString("uid"), container(pod, container, command), tty,
            stderr).run();
      } catch (Exception e) {
        e.printStackTrace();
        ws.close((short) 1011);
      }
      });
    });
  }

  /** One exec: the process, its output as channel 1 (and 2), stdin from 0, resizes from 4, the status on 3. */
  private final class ExecSession {
    private final ServerWebSocket ws;
    private final String podUid;
    private final List<String> argv;
    private final boolean tty;
    private final boolean stderr;
    private final ExecutorService stdinWriter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fake-exec-stdin");
      t.setDaemon(true);
      return t;
    });

    ExecSession(ServerWebSocket ws, String podUid, List<String> argv, boolean tty, boolean stderr) {
      this.ws = ws;
      this.podUid = podUid;
      this.argv = argv;
      this.tty = tty;
      this.stderr = stderr;
    }

    void run() throws Exception {
      Process process;
      if (tty) {
        process = new PtyProcessBuilder(argv.toArray(String[]::new)).setEnvironment(Map.of("PATH", "/usr/bin:/bin"))
            .setInitialColumns(80).setInitialRows(24).setConsole(false).setRedirectErrorStream(true)
            .setUnixOpenTtyToPreserveOutputAfterTermination(true).start();
      } else {
        List<String> withSession = new ArrayList<>(List.of("setsid"));
        withSession.addAll(argv);
        process = new ProcessBuilder(withSession)
            .redirectError(stderr ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD).start();
      }
      processes.getOrDefault(podUid, ConcurrentHashMap.newKeySet()).add(process);
      OutputStream stdin = process.getOutputStream();
      ws.binaryMessageHandler(msg -> {
        if (msg.length() == 0) return;
        int channel = msg.getByte(0) & 0xff;
        byte[] data = msg.getBytes(1, msg.length());
        switch (channel) {
          case 0 -> stdinWriter.execute(() -> {
            try {
              stdin.write(data);
              stdin.flush();
            } catch (IOException e) {
              // the process stopped reading
            }
          });
          case 4 -> {
            JsonObject size = new JsonObject(new String(data, StandardCharsets.UTF_8));
            if (process instanceof PtyProcess pty) {
              pty.setWinSize(new WinSize(size.getInteger("Width"), size.getInteger("Height")));
            }
          }
          case 255 -> {
            if (data.length > 0 && data[0] == 0 && !tty) stdinWriter.execute(() -> close(stdin));
          }
          default -> { }
        }
      });
      ws.closeHandler(v -> {
        if (process.isAlive() && tty) process.destroyForcibly(); // the terminal hangs up
        else if (!stdinWriter.isShutdown()) stdinWriter.execute(() -> close(stdin));
      });
      ws.resume();
      if (!tty && stderr) threads.execute(() -> pump(process.getErrorStream(), 2));
      pump(process.getInputStream(), 1);
      int code = process.waitFor();
      JsonObject status = code == 0
          ? new JsonObject().put("metadata", new JsonObject()).put("status", "Success")
          : new JsonObject().put("metadata", new JsonObject()).put("status", "Failure")
              .put("message", "command terminated with non-zero exit code: exit status " + code)
              .put("reason", "NonZeroExitCode")
              .put("details", new JsonObject().put("causes", new JsonArray()
                  .add(new JsonObject().put("reason", "ExitCode").put("message", Integer.toString(code)))));
      ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) 3).appendString(status.encode()))
          .compose(x -> ws.close((short) 1000)).await(30, TimeUnit.SECONDS);
      stdinWriter.shutdown();
    }

    /** Output as frames; each waits until written to the connection, so a reader that stops reading stops us. */
    private void pump(InputStream in, int channel) {
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          Buffer frame = Buffer.buffer(n + 1).appendByte((byte) channel).appendBytes(buf, 0, n);
          ws.writeBinaryMessage(frame).await(10, TimeUnit.MINUTES);
        }
      } catch (Exception e) {
        // EOF, EIO from a PTY whose last process went, or the connection closed
      }
    }

    private void close(OutputStream out) {
      try {
        out.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  // ------------------------------------------------------------------------------------------ containers

  /** The bubblewrap command line that runs {@code command} in {@code container} of {@code pod}. */
  private List<String> container(JsonObject pod, JsonObject container, List<?> command) throws IOException {
    JsonObject meta = pod.getJsonObject("metadata");
    JsonObject spec = pod.getJsonObject("spec");
    String ns = meta.getString("namespace");
    JsonObject security = spec.getJsonObject("securityContext", new JsonObject());
    List<String> a = new ArrayList<>(List.of("bwrap", "--unshare-user",
        "--uid", String.valueOf(security.getLong("runAsUser", 0L)),
        "--gid", String.valueOf(security.getLong("runAsGroup", 0L)),
        "--unshare-uts", "--hostname", spec.getString("hostname", meta.getString("name")),
        "--die-with-parent", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
        "--bind", "/proc", "/proc", "--dev", "/dev"));
    for (String top : List.of("/bin", "/sbin", "/lib", "/lib64")) {
      Path p = Path.of(top);
      if (Files.isSymbolicLink(p)) a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
      else if (Files.isDirectory(p)) a.addAll(List.of("--ro-bind", top, top));
    }
    for (Map.Entry<String, Path> f : imageFiles.entrySet()) {
      a.addAll(List.of("--ro-bind", f.getValue().toString(), f.getKey()));
    }
    List<JsonObject> mounts = container.getJsonArray("volumeMounts", new JsonArray()).stream()
        .map(o -> (JsonObject) o).sorted(Comparator.comparingInt(m -> m.getString("mountPath").length())).toList();
    for (JsonObject mount : mounts) {
      JsonObject volume = spec.getJsonArray("volumes").stream().map(o -> (JsonObject) o)
          .filter(v -> v.getString("name").equals(mount.getString("name"))).findFirst().orElseThrow();
      Path host;
      if (volume.containsKey("persistentVolumeClaim")) {
        host = claimDir(ns, volume.getJsonObject("persistentVolumeClaim").getString("claimName"));
        if (!Files.isDirectory(host)) throw new IOException("claim not bound: " + host);
      } else {
        host = podDir(meta.getString("uid")).resolve("volumes").resolve(volume.getString("name"));
      }
      if (mount.getString("subPath") != null) host = host.resolve(mount.getString("subPath"));
      Files.createDirectories(host);
      a.addAll(List.of(mount.getBoolean("readOnly", false) ? "--ro-bind" : "--bind", host.toString(),
          mount.getString("mountPath")));
    }
    a.addAll(List.of("--chdir", container.getString("workingDir", "/"), "--clearenv",
        "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOSTNAME", spec.getString("hostname", "")));
    for (Object o : container.getJsonArray("env", new JsonArray())) {
      JsonObject e = (JsonObject) o;
      a.addAll(List.of("--setenv", e.getString("name"), e.getString("value", "")));
    }
    a.add("--");
    for (Object c : command) a.add(String.valueOf(c));
    return a;
  }

  private static JsonObject condition(String type, String status) {
    return new JsonObject().put("type", type).put("status", status)
        .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private static JsonObject containerStatus(JsonObject container, JsonObject state) {
    return new JsonObject().put("name", container.getString("name")).put("image", container.getString("image"))
        .put("imageID", "").put("ready", false).put("restartCount", 0).put("state", state);
  }

  private static JsonObject terminated(int code, String reason) {
    return new JsonObject().put("terminated", new JsonObject().put("exitCode", code).put("reason", reason));
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // test data: best effort
    }
  }

  @Override
  public void close() {
    for (String uid : List.copyOf(processes.keySet())) killAll(uid);
    threads.shutdownNow();
  }
}
