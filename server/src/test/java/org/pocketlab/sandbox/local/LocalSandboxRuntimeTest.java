package org.pocketlab.sandbox.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.ExitStatus.Reason;
import org.pocketlab.sandbox.SandboxException;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxInfo;
import org.pocketlab.sandbox.SandboxManager;
import org.pocketlab.sandbox.SandboxProcess;
import org.pocketlab.sandbox.SandboxRuntimeContract;
import org.pocketlab.sandbox.SandboxSettings;
import org.pocketlab.sandbox.SandboxStatus;
import org.pocketlab.testsupport.TestPostgres;

/**
 * The bubblewrap runtime: the contract, plus what only a local sandbox can show — real Django, isolation
 * between learners, no network, no view of the host, and limits that hold against fork and memory bombs.
 */
class LocalSandboxRuntimeTest extends SandboxRuntimeContract {

  /** Small limits so that bombs hit them fast. */
  static final SandboxSettings SETTINGS = new SandboxSettings(
      SandboxSettings.RuntimeKind.LOCAL, 30, 256, 64, 100, 20, 8, 24, 256);

  static final Path STARTER = Path.of(System.getProperty("pocketlab.repoRoot", ".."))
      .resolve("sandbox-images/django/starter").toAbsolutePath().normalize();

  private Path dataDir;
  private final List<Path> moreDataDirs = new ArrayList<>();
  private List<Path> cgroupParents = List.of();

  /** As the server runs: on epoll, so terminals are read by the event loop (the no-cgroups variant keeps NIO). */
  @Override
  protected Vertx createVertx() {
    return Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  @Override
  protected LocalSandboxRuntime createRuntime(Vertx vertx) throws Exception {
    dataDir = newDataDir();
    LocalSandboxRuntime rt = await(LocalSandboxRuntime.create(vertx, SETTINGS, dataDir, STARTER));
    cgroupParents = cgroupParents(rt);
    return rt;
  }

  @Override
  protected void afterClose() throws IOException {
    for (Path parent : cgroupParents) assertFalse(Files.exists(parent), "cgroup left behind: " + parent);
    deleteAll(dataDir);
    for (Path d : moreDataDirs) deleteAll(d);
  }

  private LocalSandboxRuntime local() {
    return (LocalSandboxRuntime) runtime;
  }

  // ------------------------------------------------------------------------------------ Python and Django

  @Test
  void pythonIsDebiansWithDjango32() {
    SandboxId id = started();
    assertTrue(run(id, ExecSpec.of("python", "-m", "django", "--version")).output().startsWith("3.2."));
    assertEquals("/usr/bin/python\n",
        run(id, ExecSpec.of("python", "-c", "import sys; print(sys.executable)")).output());
    assertTrue(run(id, ExecSpec.of("python", "-V")).output().startsWith("Python 3."));
  }

  @Test
  void theStarterPassesDjangosChecksAndTests() {
    SandboxId id = started();
    Run check = run(id, ExecSpec.of("python", "manage.py", "check"));
    assertTrue(check.status().succeeded(), check.output());
    assertTrue(check.output().contains("System check identified no issues"), check.output());
    Run test = run(id, ExecSpec.of("python", "manage.py", "test"));
    assertTrue(test.status().succeeded(), test.output());
    Run migrate = run(id, ExecSpec.of("python", "manage.py", "migrate", "-v", "0"));
    assertTrue(migrate.status().succeeded(), migrate.output());
    assertEquals("db.sqlite3\n", run(id, ExecSpec.of("sh", "-c", "ls db.sqlite3")).output(), "SQLite in the workspace");
    Run pytest = run(id, ExecSpec.of("pytest", "-q", "-p", "no:cacheprovider"));
    assertTrue(pytest.output().contains("1 passed"), pytest.output());
  }

  @Test
  void theLibrariesTheCardsUseAreInstalled() {
    SandboxId id = started();
    Run imports = run(id, ExecSpec.of("python", "-c", "import rest_framework, celery, httpx, environ, pytest_django,"
        + " backoff, graphene, sentry_sdk; print('imported')"));
    assertEquals("imported\n", imports.output(), "deploy/local/install-deps installs them");
  }

  @Test
  void aTerminalRunsAnInteractiveBashAsTheLearner() throws Exception {
    SandboxId id = started();
    SandboxProcess shell = await(runtime.exec(id, ExecSpec.shell(100, 30)));
    Collected out = collect(shell);
    shell.input().write(Buffer.buffer("echo \"I am $(id -un) in $PWD\"; exit\n"));
    ExitStatus status = await(shell.exit());
    out.awaitEnd();
    assertTrue(out.text().contains("I am learner in /home/learner/workspace"), out.text());
    assertTrue(status.succeeded(), status.toString());
  }

  @Test
  void aTerminalIsReadByTheEventLoopNotAThreadOfItsOwn() throws Exception {
    assertTrue(vertx.isNativeTransportEnabled(), "this machine runs Vert.x on epoll");
    SandboxId id = started();
    Context context = vertx.getOrCreateContext();
    SandboxProcess shell = await(io.vertx.core.Future.<SandboxProcess>future(
        opened -> context.runOnContext(v -> runtime.exec(id, ExecSpec.shell(100, 30)).onComplete(opened))));
    java.util.concurrent.CompletableFuture<Thread> deliveredOn = new java.util.concurrent.CompletableFuture<>();
    StringBuilder text = new StringBuilder();
    context.runOnContext(v -> shell.output().handler(b -> {
      text.append(b.toString(java.nio.charset.StandardCharsets.UTF_8));
      if (text.indexOf("READY") >= 0) deliveredOn.complete(Thread.currentThread());
    }));
    shell.input().write(Buffer.buffer("echo READ''Y\n"));
    Thread loop = deliveredOn.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(loop.getName().startsWith("vert.x-eventloop-thread-"), loop.getName());
    List<String> readers = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.endsWith("-" + id.owner() + "-out")).toList();
    assertEquals(List.of(), readers, "no reader thread for the terminal");
    await(shell.kill());
  }

  // -------------------------------------------------------------------------------------------- isolation

  @Test
  void learnersCannotSeeEachOther() throws Exception {
    SandboxId a = started();
    SandboxId b = started();
    SandboxProcess secretKeeper = await(runtime.exec(b, ExecSpec.of("sh", "-c",
        "echo secret-of-b > secret.txt; echo ready; exec sleep 317")));
    Collected keeper = collect(secretKeeper);
    keeper.waitFor("ready");

    Path bOnHost = dataDir.resolve("sandboxes/contract/" + b.owner() + "/workspace");
    assertTrue(Files.readString(bOnHost.resolve("secret.txt")).contains("secret-of-b"));
    Run guess = run(a, ExecSpec.of("sh", "-c", "cat " + bOnHost + "/secret.txt; cat ../../*/workspace/secret.txt;"
        + " cat /proc/*/root/home/learner/workspace/secret.txt; ls /home"));
    assertFalse(guess.output().contains("secret-of-b"), guess.output());
    assertEquals(List.of("learner"), guess.output().lines().filter(l -> !l.startsWith("cat:")).toList());

    String ps = run(a, ExecSpec.of("ps", "ax")).output();
    assertFalse(ps.contains("sleep 317"), ps);
    assertTrue(ps.contains("ps ax"), ps);

    // On the host, each sandbox is its own unprivileged user, and its workspace is private to it.
    if (isRoot()) {
      int uidA = local().uidOf(a);
      int uidB = local().uidOf(b);
      assertNotEquals(uidA, uidB);
      assertEquals(uidB, (Integer) Files.getAttribute(bOnHost, "unix:uid"));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bOnHost)));
    }
    await(secretKeeper.kill());
  }

  /** As in a pod: a server started in the terminal answers a Run of the same learner, and nobody else. */
  @Test
  void anExecReachesAServerOfAnotherExecOfItsOwnSandboxOnly() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "joining a sandbox's network namespace needs root");
    SandboxId mine = started();
    SandboxId theirs = started();
    SandboxProcess server = await(runtime.exec(mine, ExecSpec.of("python3", "-m", "http.server", "8765",
        "--bind", "127.0.0.1").withPty(80, 24)));
    Collected log = collect(server);
    String probe = String.join("\n",
        "import sys, time, urllib.request",
        "for attempt in range(int(sys.argv[1])):",
        "    try:",
        "        print(urllib.request.urlopen('http://127.0.0.1:8765/', timeout=2).status); break",
        "    except OSError as e:",
        "        time.sleep(0.1)",
        "else:",
        "    print('unreachable')");
    assertEquals("200", run(mine, ExecSpec.of("python3", "-c", probe, "100")).output().trim(), log.text());
    assertEquals("unreachable", run(theirs, ExecSpec.of("python3", "-c", probe, "3")).output().trim());
    assertTrue(local().limitReport().stream().anyMatch(l -> l.startsWith("network: loopback only; one network"
        + " namespace per sandbox")), local().limitReport().toString());
    await(server.kill());
  }

  @Test
  void noNetworkBeyondLoopback() throws Exception {
    int port = TestPostgres.server().port();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000); // reachable from the host: a fair test
    }
    String hostAddress = hostIpv4().orElse("192.0.2.1");
    SandboxId id = started();
    String script = String.join("\n",
        "import socket",
        "def attempt(host, port):",
        "    s = socket.socket(); s.settimeout(2)",
        "    try:",
        "        s.connect((host, port)); print(host, 'OPEN')",
        "    except OSError as e:",
        "        print(host, 'blocked', type(e).__name__)",
        "attempt('127.0.0.1', " + port + ")",
        "attempt('" + hostAddress + "', " + port + ")",
        "attempt('1.1.1.1', 443)",
        "print('interfaces', [n for _, n in socket.if_nameindex()])");
    String out = run(id, ExecSpec.of("python3", "-c", script)).output();
    assertFalse(out.contains("OPEN"), out);
    assertTrue(out.contains("127.0.0.1 blocked ConnectionRefusedError"), out);
    assertTrue(out.contains(hostAddress + " blocked"), out);
    assertTrue(out.contains("interfaces ['lo']"), out);
  }

  @Test
  void theHostIsNotVisible() {
    SandboxId id = started();
    String out = run(id, ExecSpec.of("sh", "-c", "ls /root; ls " + dataDir + "; ls /sys; cat /etc/shadow; id")).output();
    assertTrue(out.contains("uid=1000(learner) gid=1000(learner)"), out);
    assertFalse(out.contains("sandboxes"), "the data dir is not there: " + out);
    assertEquals(4, out.lines().filter(l -> l.contains("No such file")).count(), out);

    Set<String> etc = new TreeSet<>(run(id, ExecSpec.of("ls", "/etc")).output().lines().toList());
    for (String secret : List.of("shadow", "pip.conf", "environment", "postgresql", "ssh", "gshadow")) {
      assertFalse(etc.contains(secret), "/etc/" + secret + " is hidden: " + etc);
    }
    Set<String> env = run(id, ExecSpec.of("env")).output().lines()
        .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(List.of("HOME", "LANG", "LOGNAME", "PATH", "PWD", "PYTHONDONTWRITEBYTECODE", "SHELL",
        "TERM", "USER")), env, "a small fixed environment, nothing of the server's");
    String fds = run(id, ExecSpec.of("sh", "-c", "ls /proc/self/fd")).output();
    assertEquals("0\n1\n2\n3\n", fds, "no stray descriptors of the server (3 is ls's own directory)");
  }

  // ----------------------------------------------------------------------------------------------- limits

  @Test
  void aForkBombIsContainedAndOthersStayResponsive() throws Exception {
    SandboxId bomb = started();
    SandboxId neighbour = started();
    // The classic bomb, with its shell kept alive as in a terminal (else the exec ends and takes it along).
    SandboxProcess p = await(runtime.exec(bomb, ExecSpec.of("bash", "-c", ":(){ :|:& };:; sleep 30")
        .withWallTime(Duration.ofSeconds(4))));
    Collected out = collect(p);
    out.waitFor("Resource temporarily unavailable"); // fork() refused: the process limit holds
    assertEquals("ok\n", run(neighbour, ExecSpec.of("echo", "ok")).output(), "another sandbox still runs commands");
    ExitStatus status = await(p.exit());
    out.awaitEnd();
    assertTrue(status.reason() == Reason.TIMEOUT || status.reason() == Reason.OUTPUT_LIMIT, status.toString());
    assertEquals("ok\n", run(bomb, ExecSpec.of("echo", "ok")).output(), "the bomb's sandbox recovers");
    assertEquals("ok\n", run(neighbour, ExecSpec.of("echo", "ok")).output());
  }

  @Test
  void aMemoryBombIsKilledAndTheServerLives() {
    SandboxId id = started();
    ExitStatus status = run(id, ExecSpec.of("python3", "-c", "b = bytearray(2 * 1024**3); print('allocated')"))
        .status();
    if (local().cgroups().enforces("memory")) assertEquals(Reason.OUT_OF_MEMORY, status.reason(), status.toString());
    else assertNotEquals(0, status.code(), "rlimit AS: MemoryError");
    assertTrue(ProcessHandle.current().isAlive());
    assertEquals("alive\n", run(id, ExecSpec.of("echo", "alive")).output(), "the sandbox itself survived");
    assertEquals(SandboxStatus.RUNNING, await(runtime.status(id)));
  }

  @Test
  void anEndlessLoopIsKilledByTheWallTime() {
    SandboxId id = started();
    ExitStatus status = run(id, ExecSpec.of("python3", "-c", "while True: pass")
        .withWallTime(Duration.ofSeconds(1))).status();
    assertEquals(Reason.TIMEOUT, status.reason());
  }

  @Test
  void theFileSizeLimitStopsAHugeFile() {
    SandboxId id = started();
    Run dd = run(id, ExecSpec.of("dd", "if=/dev/zero", "of=big", "bs=1M", "count=100"));
    assertEquals(Reason.FILE_SIZE_LIMIT, dd.status().reason(), dd.output());
    assertEquals(SETTINGS.fileSizeBytes() + "\n", run(id, ExecSpec.of("stat", "-c", "%s", "big")).output());
    run(id, ExecSpec.of("rm", "big"));
  }

  @Test
  void aFullWorkspaceRefusesRunsButNotTheTerminal() {
    SandboxId id = started();
    Run fill = run(id, ExecSpec.of("sh", "-c",
        "for i in 1 2 3 4; do dd if=/dev/zero of=f$i bs=1M count=7 2>/dev/null; done; echo filled"));
    assertTrue(fill.output().contains("filled"), fill.output());
    SandboxException full = assertThrows(SandboxException.class, () -> await(runtime.exec(id, ExecSpec.of("true"))));
    assertEquals(SandboxException.Kind.WORKSPACE_FULL, full.kind());
    assertTrue(full.getMessage().matches("Your workspace uses 2[89] MB, more than the 24 MB allowed\\..*"), full.getMessage());

    SandboxProcess shell = await(runtime.exec(id, ExecSpec.of("sh").withPty(80, 24)));
    collect(shell);
    shell.input().write(Buffer.buffer("rm f1 f2 f3 f4; exit\n"));
    await(shell.exit());
    assertTrue(run(id, ExecSpec.of("true")).status().succeeded(), "allowed again once files are deleted");
  }

  @Test
  void limitsAreReportedOneLineEach() {
    List<String> report = local().limitReport();
    for (String what : List.of("memory", "processes", "cpu", "wall time", "file size", "core dumps", "workspace",
        "output", "network", "identity")) {
      assertEquals(1, report.stream().filter(l -> l.startsWith(what)).count(), what + " in " + report);
    }
    if (Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) && isRoot()) {
      assertTrue(report.get(0).contains("enforced by cgroup v1"), report.get(0)); // this test machine
    }
  }

  @Test
  void aRunningSandboxHasItsCgroupLimitsSet() throws IOException {
    SandboxId id = started();
    Cgroups cg = local().cgroups();
    for (String controller : List.of("memory", "pids", "cpu")) {
      if (!cg.enforces(controller)) continue;
      String d = cg.describe(controller).orElseThrow();
      boolean v1 = d.startsWith("cgroup v1");
      Path group = Path.of(d.substring(d.indexOf('(') + 1, d.length() - 1)).resolve(id.name());
      String procs = Files.readString(group.resolve("cgroup.procs"));
      assertFalse(procs.isBlank(), "the holder is in the " + controller + " group");
      switch (controller) {
        case "memory" -> assertEquals(Long.toString(SETTINGS.memoryBytes()),
            Files.readString(group.resolve(v1 ? "memory.limit_in_bytes" : "memory.max")).trim());
        case "pids" -> assertEquals(Integer.toString(SETTINGS.maxProcesses()),
            Files.readString(group.resolve("pids.max")).trim());
        default -> assertEquals(v1 ? "100000" : "100000 100000",
            Files.readString(group.resolve(v1 ? "cpu.cfs_quota_us" : "cpu.max")).trim());
      }
    }
  }

  // ------------------------------------------------------------------------------------ lifecycle events

  @Test
  void cullingEndsProcessesAndKeepsFiles() throws Exception {
    SandboxManager manager = new SandboxManager(vertx, runtime, Duration.ofMillis(300), Duration.ofHours(1),
        Clock.systemUTC());
    SandboxId idle = newId();
    SandboxId busy = newId();
    assertFalse(await(manager.ensure(idle)).restarted());
    await(manager.ensure(busy));
    SandboxProcess sleeper = await(manager.exec(idle, ExecSpec.of("sh", "-c", "echo kept > kept.txt; sleep 300")));
    Collected out = collect(sleeper);
    Thread.sleep(500);
    manager.touch(busy); // activity: the terminal got input
    List<SandboxId> culled = await(manager.cullIdle());
    assertTrue(culled.contains(idle), culled.toString());
    assertFalse(culled.contains(busy), culled.toString());
    assertEquals(Reason.SANDBOX_STOPPED, await(sleeper.exit()).reason());
    out.awaitEnd();
    assertEquals(SandboxStatus.STOPPED, await(runtime.status(idle)));
    assertEquals(SandboxStatus.RUNNING, await(runtime.status(busy)));

    SandboxProcess cat = await(manager.exec(idle, ExecSpec.of("cat", "kept.txt")));
    Collected again = collect(cat);
    assertTrue(await(cat.exit()).succeeded());
    assertEquals("kept\n", again.awaitEnd(), "started again on the next need, files kept");
  }

  @Test
  void aCrashedSandboxRestartsOnNextEnsureWithANote() throws Exception {
    SandboxId id = started();
    run(id, ExecSpec.of("sh", "-c", "echo kept > kept.txt"));
    SandboxProcess sleeper = await(runtime.exec(id, ExecSpec.of("sleep", "300")));
    collect(sleeper);
    long holder = local().holderPid(id).orElseThrow();
    ProcessHandle.of(holder).orElseThrow().destroyForcibly(); // something killed the sandbox from outside

    assertEquals(Reason.SANDBOX_STOPPED, await(sleeper.exit()).reason(), "its processes end with it");
    assertEquals(SandboxStatus.CRASHED, await(runtime.status(id)));
    SandboxInfo info = await(runtime.ensure(id));
    assertEquals(SandboxStatus.RUNNING, info.status());
    assertTrue(info.restarted());
    assertTrue(info.note().orElse("").contains("started again"), info.toString());
    assertEquals("kept\n", run(id, ExecSpec.of("cat", "kept.txt")).output());
    assertFalse(await(runtime.ensure(id)).restarted(), "said once");
  }

  @Test
  void filesSurviveAServerRestart() throws Exception {
    Path dir = newDataDir();
    SandboxId id = new SandboxId("restarting", "django-pocket-book");
    LocalSandboxRuntime first = await(LocalSandboxRuntime.create(vertx, SETTINGS, dir, STARTER));
    await(first.ensure(id));
    SandboxProcess p = await(first.exec(id, ExecSpec.of("sh", "-c", "echo survived > notes.txt")));
    collect(p);
    await(p.exit());
    int uid = first.uidOf(id);
    await(first.close());

    LocalSandboxRuntime second = await(LocalSandboxRuntime.create(vertx, SETTINGS, dir, STARTER));
    try {
      assertEquals(SandboxStatus.STOPPED, await(second.status(id)), "a clean shutdown is not a crash");
      assertFalse(await(second.ensure(id)).restarted());
      SandboxProcess cat = await(second.exec(id, ExecSpec.of("cat", "notes.txt")));
      Collected out = collect(cat);
      await(cat.exit());
      assertEquals("survived\n", out.awaitEnd());
      assertEquals(uid, second.uidOf(id), "the same host uid");
    } finally {
      await(second.close());
    }

    // A server that died while the sandbox ran leaves its marker: the next server reports a restart.
    Files.createFile(dir.resolve("sandboxes/django-pocket-book/restarting/running"));
    LocalSandboxRuntime third = await(LocalSandboxRuntime.create(vertx, SETTINGS, dir, STARTER));
    try {
      assertEquals(SandboxStatus.CRASHED, await(third.status(id)));
      SandboxInfo info = await(third.ensure(id));
      assertTrue(info.restarted());
      assertEquals(LocalSandboxRuntime.SERVER_RESTART_NOTE, info.note().orElse(""));
    } finally {
      await(third.close());
    }
  }

  @Test
  void resetBringsBackTheStarterFiles() throws Exception {
    SandboxId id = started();
    run(id, ExecSpec.of("sh", "-c", "echo '# mine' >> config/settings.py; rm manage.py; mkdir extra"));
    await(runtime.reset(id));
    await(runtime.ensure(id));
    assertEquals(Files.readString(STARTER.resolve("config/settings.py")),
        run(id, ExecSpec.of("cat", "config/settings.py")).output());
    assertTrue(run(id, ExecSpec.of("python", "manage.py", "check")).status().succeeded());
    assertFalse(run(id, ExecSpec.of("ls")).output().contains("extra"));
  }

  @Test
  void measuredFigures() {
    long t0 = System.nanoTime();
    SandboxId id = started();
    long firstStartMs = (System.nanoTime() - t0) / 1_000_000;
    await(runtime.stop(id));
    t0 = System.nanoTime();
    await(runtime.ensure(id));
    long restartMs = (System.nanoTime() - t0) / 1_000_000;
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      long s = System.nanoTime();
      Run r = run(id, ExecSpec.of("python3", "-V"));
      micros.add((System.nanoTime() - s) / 1000);
      assertTrue(r.output().startsWith("Python 3."));
    }
    Collections.sort(micros);
    System.out.printf("MEASURED sandbox first start (new workspace) %d ms, start of an existing one %d ms,"
        + " exec of python3 -V (spawn to exit and end of output) median %.1f ms, max %.1f ms%n",
        firstStartMs, restartMs, micros.get(micros.size() / 2) / 1000.0, micros.get(micros.size() - 1) / 1000.0);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private Path newDataDir() throws IOException {
    Path dir = tempDataDir();
    if (dataDir != null) moreDataDirs.add(dir);
    return dir;
  }

  /** A data directory the sandbox uids can pass through (o+x), as start-up requires. */
  static Path tempDataDir() throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "pocketlab-sandbox-test-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    return dir;
  }

  private static List<Path> cgroupParents(LocalSandboxRuntime rt) {
    List<Path> parents = new ArrayList<>();
    for (String controller : List.of("memory", "pids", "cpu")) {
      rt.cgroups().describe(controller).ifPresent(d -> parents.add(Path.of(d.substring(d.indexOf('(') + 1,
          d.length() - 1))));
    }
    return parents;
  }

  private static java.util.Optional<String> hostIpv4() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isLoopback() || !nic.isUp()) continue;
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address) return java.util.Optional.of(a.getHostAddress());
      }
    }
    return java.util.Optional.empty();
  }

  static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  static void deleteAll(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
