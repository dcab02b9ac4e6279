package org.pocketlab.sandbox.local;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.ExitStatus.Reason;
import org.pocketlab.sandbox.SandboxException;
import org.pocketlab.sandbox.SandboxException.Kind;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxInfo;
import org.pocketlab.sandbox.SandboxProcess;
import org.pocketlab.sandbox.SandboxRuntime;
import org.pocketlab.sandbox.SandboxSettings;
import org.pocketlab.sandbox.SandboxStatus;
import org.pocketlab.sandbox.StartProgress;
import org.pocketlab.sandbox.local.SandboxStore.UidRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes on this machine, isolated by bubblewrap and limited by cgroups (v1 or v2) and rlimits. The
 * process model and the directory layout are described in the package documentation.
 *
 * <p>Create with {@link #create}; it checks the host (bubblewrap works, which limits can be enforced) and
 * logs one line per limit saying how it is enforced, or that it is not.
 */
public final class LocalSandboxRuntime implements SandboxRuntime {

  private static final Logger log = LoggerFactory.getLogger(LocalSandboxRuntime.class);

  /** Host uids of sandboxes when the server runs as root: far above login users and usual subuid ranges. */
  public static final UidRange DEFAULT_UIDS = new UidRange(1_800_000_000, 1_000_000);

  /** Puts the launcher into the sandbox's cgroups, then becomes the rest of the command line. */
  private static final String JOIN_CGROUPS =
      "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final long TMPFS_MAX = 256L * 1024 * 1024;
  static final String CRASH_NOTE = "Your sandbox stopped unexpectedly and has been started again. Your files are"
      + " kept; programs that were running were ended.";
  static final String SERVER_RESTART_NOTE = "Your sandbox was stopped when the server restarted and has been"
      + " started again. Your files are kept; programs that were running were ended.";

  private static final AtomicInteger RUNTIMES = new AtomicInteger();
  private static final int WORKERS = 8;

  private final Vertx vertx;
  private final SandboxSettings settings;
  private final boolean useCgroups;
  private final SandboxStore store;
  private final UidRange uids;
  private final boolean perSandboxUsers;
  private final WorkerExecutor worker;
  /** All processes are started from this one long-lived thread: --die-with-parent's parent-death signal
   * fires when the thread that started a process ends, so that thread must live as long as the runtime. */
  private final ExecutorService spawner;
  /** Works out how processes ended (reads cgroup counters, measures the workspace), off the JDK's reaper. */
  private final ExecutorService reaper;
  private final Map<SandboxId, Sandbox> sandboxes = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger processCounter = new AtomicInteger();
  private final String cgroupParentName;
  private volatile Cgroups cgroups = Cgroups.none();
  private Bubblewrap bubblewrap;
  private Path sh;
  private Path prlimit;
  private Path nsenter; // only as root: joining a sandbox's network namespace needs CAP_SYS_ADMIN
  private Path setpriv;
  private List<String> limitReport = List.of();
  private Future<Void> closing;

  private LocalSandboxRuntime(
      Vertx vertx, SandboxSettings settings, Path dataDir, Path starter, UidRange uids, boolean useCgroups) {
    this.vertx = vertx;
    this.settings = settings;
    this.perSandboxUsers = isRoot() && uids.perSandbox();
    this.uids = perSandboxUsers ? uids : UidRange.NONE;
    this.store = new SandboxStore(dataDir.toAbsolutePath().normalize(), starter.toAbsolutePath().normalize(), this.uids);
    this.useCgroups = useCgroups;
    this.worker = vertx.createSharedWorkerExecutor("sandbox-worker-" + RUNTIMES.incrementAndGet(), WORKERS);
    this.spawner = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sandbox-spawner");
      t.setDaemon(true);
      return t;
    });
    this.reaper = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "sandbox-reaper");
      t.setDaemon(true);
      return t;
    });
    this.cgroupParentName = "pocketlab-" + shortHash(dataDir.toAbsolutePath().normalize().toString());
  }

  /**
   * Starts the runtime on a worker thread: checks bubblewrap, prepares {@code <dataDir>/sandboxes}, finds
   * cgroups, cleans what a crashed server left, and logs the limits.
   *
   * @param starter the starter project copied into every new workspace (sandbox-images/django/starter)
   */
  public static Future<LocalSandboxRuntime> create(Vertx vertx, SandboxSettings settings, Path dataDir, Path starter) {
    return create(vertx, settings, dataDir, starter, DEFAULT_UIDS, true);
  }

  /** {@code useCgroups = false}: rlimits only, as on a host without writable cgroups (for tests). */
  static Future<LocalSandboxRuntime> create(
      Vertx vertx, SandboxSettings settings, Path dataDir, Path starter, UidRange uids, boolean useCgroups) {
    LocalSandboxRuntime runtime = new LocalSandboxRuntime(vertx, settings, dataDir, starter, uids, useCgroups);
    return runtime.worker.executeBlocking(() -> {
      runtime.start();
      return runtime;
    }, false).onFailure(e -> {
      runtime.cgroups.close();
      runtime.spawner.shutdownNow();
      runtime.reaper.shutdownNow();
      runtime.worker.close();
    });
  }

  private void start() throws IOException {
    sh = tool("sh");
    prlimit = tool("prlimit");
    Path bwrap = tool("bwrap");
    if (perSandboxUsers) {
      setpriv = tool("setpriv");
      nsenter = tool("nsenter");
    }
    store.open();
    bubblewrap = new Bubblewrap(bwrap, store.etc());
    cgroups = useCgroups ? Cgroups.detect(cgroupParentName) : Cgroups.none();
    cgroups.removeStale();
    probe();
    for (SandboxId id : store.all()) {
      if (store.wasRunning(id)) {
        Sandbox sb = sandbox(id);
        synchronized (sb) {
          sb.state = SandboxStatus.CRASHED;
          sb.crashNote = SERVER_RESTART_NOTE;
        }
      }
    }
    limitReport = describeLimits();
    for (String line : limitReport) log.info("Sandbox limit {}", line);
  }

  /** Fails start-up with bubblewrap's own words when it cannot create its namespaces here. */
  private void probe() throws IOException {
    List<String> argv = new ArrayList<>(List.of(prlimit.toString(), "--core=0", "--"));
    if (perSandboxUsers) {
      argv.addAll(List.of(setpriv.toString(), "--reuid=" + uids.base(), "--regid=" + uids.base(), "--clear-groups",
          "--no-new-privs", "--"));
    }
    argv.addAll(List.of(bubblewrap.bwrapPath(), "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
        "--disable-userns", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"));
    argv.addAll(bubblewrap.systemLinks());
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/true"));
    Process p = spawnPlain(argv);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("bubblewrap did not start a test sandbox within " + START_TIMEOUT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("bubblewrap cannot create sandboxes on this host (exit " + p.exitValue() + "): " + out
          + ". It needs user namespaces (sysctl user.max_user_namespaces > 0; on Ubuntu also"
          + " kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap).");
    }
  }

  private List<String> describeLimits() {
    List<String> lines = new ArrayList<>();
    String nproc = perSandboxUsers ? "rlimit NPROC (each sandbox has its own host uid)" : null;
    lines.add("memory " + settings.memoryMb() + " MB per sandbox: " + cgroups.describe("memory")
        .map(d -> "enforced by " + d)
        .orElse("NOT enforced as a total; rlimit AS caps each process at " + settings.memoryMb() + " MB"));
    lines.add("processes " + settings.maxProcesses() + " per sandbox: " + join(
        cgroups.describe("pids").map(d -> "enforced by " + d).orElse(null), nproc)
        .orElse("NOT enforced (no pids cgroup, and without root no per-sandbox uid for rlimit NPROC)"));
    lines.add("cpu " + settings.cpuPercent() + "% of a core per sandbox: " + cgroups.describe("cpu")
        .map(d -> "enforced by " + d)
        .orElse("NOT enforced (no cpu cgroup); rlimit CPU caps each run's processes at the wall-time limit in"
            + " CPU seconds"));
    lines.add("wall time " + settings.wallSeconds() + " s per run: enforced by the runtime (a timer kills the run's"
        + " process tree; terminals are exempt)");
    lines.add("file size " + settings.fileSizeMb() + " MB: enforced by rlimit FSIZE");
    lines.add("core dumps: disabled by rlimit CORE=0");
    lines.add("workspace " + settings.workspaceMb() + " MB: measured after each run; runs are refused while over"
        + " (soft: a run can overshoot until it ends)");
    lines.add("output " + settings.outputKb() + " KB per run: enforced by the runtime (cut and killed; terminals use"
        + " flow control instead)");
    lines.add("network: loopback only; " + (nsenter != null
        ? "one network namespace per sandbox, shared by its terminal and runs (as in a pod)"
        : "a network namespace per exec (joining the sandbox's needs root), so a run can't reach a server started"
            + " in the terminal"));
    lines.add("identity: " + (perSandboxUsers
        ? "uid 1000 inside, host uid " + uids.base() + "+n per sandbox"
        : "uid 1000 inside, the server's own uid outside (not root, so no per-sandbox uids)"));
    return List.copyOf(lines);
  }

  private static Optional<String> join(String a, String b) {
    if (a == null && b == null) return Optional.empty();
    if (a == null) return Optional.of("enforced by " + b);
    if (b == null) return Optional.of(a);
    return Optional.of(a + " and " + b);
  }

  /** One line per limit: what it is and how it is enforced here (or that it is not). */
  public List<String> limitReport() {
    return limitReport;
  }

  @Override
  public String kind() {
    return "local";
  }

  // ---------------------------------------------------------------------------------------------- ensure

  @Override
  public Future<SandboxInfo> ensure(SandboxId id) {
    return blocking(() -> ensureBlocking(id));
  }

  private SandboxInfo ensureBlocking(SandboxId id) throws IOException {
    Sandbox sb = sandbox(id);
    synchronized (sb) {
      checkOpen();
      if (sb.state == SandboxStatus.RUNNING && sb.holderAlive()) return sb.info(false, null);
      boolean restarted = sb.state == SandboxStatus.CRASHED || sb.state == SandboxStatus.RUNNING;
      String note = restarted ? Optional.ofNullable(sb.crashNote).orElse(CRASH_NOTE) : null;
      endEverything(sb, Reason.SANDBOX_STOPPED);
      long t0 = System.nanoTime();
      boolean created;
      try {
        if (!store.exists(id)) {
          new StartProgress(id, "preparing", "Copying the starter project into your new workspace…").publish(vertx);
        }
        created = store.prepare(id);
        int uid = store.uid(id);
        if (!cgroups.isEmpty()) {
          sb.group = cgroups.create(id.name(), settings.memoryBytes(), settings.maxProcesses(), settings.cpuPercent());
        }
        startHolder(sb, uid);
      } catch (IOException | RuntimeException e) {
        endEverything(sb, Reason.SANDBOX_STOPPED);
        new StartProgress(id, "failed", "Your sandbox could not be started.").publish(vertx);
        log.error("Could not start sandbox {}", id, e);
        throw new SandboxException(Kind.UNAVAILABLE, "Your sandbox could not be started. Please try again in a"
            + " moment; if it keeps failing, tell your instructor.", e);
      }
      store.markRunning(id, true);
      sb.state = SandboxStatus.RUNNING;
      sb.startedAt = Instant.now();
      sb.crashNote = null;
      sb.workspaceBytes = store.measure(id);
      new StartProgress(id, "ready", "Your sandbox is ready.").publish(vertx);
      log.info("Sandbox {} started in {} ms{}{}", id, (System.nanoTime() - t0) / 1_000_000,
          created ? " with a new workspace" : "", restarted ? " (restarted after a crash)" : "");
      return sb.info(restarted, note);
    }
  }

  /**
   * The holder is the sandbox's "it is running" token, a {@code sleep infinity} in a sandbox of its own
   * inside the sandbox's cgroup: it dying without being asked means the sandbox crashed (like a pod dying).
   * Waiting for its "ready" also proves that bubblewrap works with this sandbox's workspace and cgroups.
   */
  private void startHolder(Sandbox sb, int uid) throws IOException {
    List<String> inner = bubblewrap.command(store.workspace(sb.id), "", Map.of(), false, false, tmpfsBytes(),
        List.of("/bin/sh", "-c", "echo ready; exec sleep infinity"));
    Process p = spawnPlain(launcher(sb, uid, inner, OptionalLong.empty(), null));
    p.getOutputStream().close();
    long timer = vertx.setTimer(START_TIMEOUT.toMillis(), t -> p.destroyForcibly());
    String first;
    try (InputStream in = p.getInputStream()) {
      first = readLine(in);
      vertx.cancelTimer(timer);
      if (!first.equals("ready")) {
        p.destroyForcibly();
        String rest = new String(in.readNBytes(4096), StandardCharsets.UTF_8).trim();
        throw new IOException("The sandbox holder did not start: " + (first + " " + rest).trim());
      }
    }
    sb.holder = p;
    sb.holderStopping = false;
    // The holder's network namespace becomes the sandbox's: every exec joins it (see NetworkNamespace).
    if (nsenter != null) {
      sb.network = NetworkNamespace.ofHolder(p).orElse(null);
      if (sb.network == null) {
        log.warn("Sandbox {}: its network namespace could not be held; its execs get one each", sb.id);
      }
    }
    p.onExit().whenComplete((h, e) -> reap(() -> holderExited(sb, p)));
  }

  private void holderExited(Sandbox sb, Process p) {
    synchronized (sb) {
      if (sb.holder != p || sb.holderStopping || sb.state != SandboxStatus.RUNNING || closed.get()) return;
      log.warn("Sandbox {} crashed: its holder process ended (exit {}); ending its other processes", sb.id,
          p.exitValue());
      sb.state = SandboxStatus.CRASHED;
      sb.crashNote = CRASH_NOTE;
      endEverything(sb, Reason.SANDBOX_STOPPED);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n' && line.length() < 4096) line.append((char) c);
    return line.toString();
  }

  // ------------------------------------------------------------------------------------------------ exec

  @Override
  public Future<SandboxProcess> exec(SandboxId id, ExecSpec spec) {
    Context caller = callerContext();
    return blocking(() -> execBlocking(id, spec, caller));
  }

  private SandboxProcess execBlocking(SandboxId id, ExecSpec spec, Context caller) throws IOException {
    Sandbox sb = sandbox(id);
    synchronized (sb) {
      checkOpen();
      if (sb.state != SandboxStatus.RUNNING || !sb.holderAlive()) {
        throw new SandboxException(Kind.NOT_RUNNING, "The sandbox is not running; start it first.");
      }
      boolean pty = spec.isPty();
      long used = sb.workspaceBytes;
      if (!pty && used > settings.workspaceBytes()) {
        throw new SandboxException(Kind.WORKSPACE_FULL, "Your workspace uses " + mb(used) + " MB, more than the "
            + settings.workspaceMb() + " MB allowed. Delete files in the terminal (or reset the workspace), then"
            + " run again.");
      }
      Optional<Duration> wall = spec.wallTime()
          .or(() -> pty ? Optional.empty() : Optional.of(Duration.ofSeconds(settings.wallSeconds())));
      long outputLimit = spec.outputLimit().orElse(pty ? Long.MAX_VALUE : settings.outputBytes());
      // Without a cpu cgroup, RLIMIT_CPU at least stops a run's busy loops (CPU seconds <= wall seconds).
      OptionalLong cpuSeconds = cgroups.enforces("cpu") || wall.isEmpty()
          ? OptionalLong.empty()
          : OptionalLong.of(Math.max(1, wall.get().toSeconds()));
      NetworkNamespace network = sb.network;
      List<String> inner = bubblewrap.command(store.workspace(id), spec.workingDir(), spec.env(), pty,
          network != null, tmpfsBytes(), spec.command());
      List<String> argv = launcher(sb, store.uid(id), inner, cpuSeconds, network);
      Process process = spec.pty().isPresent()
          ? spawnPty(argv, spec.pty().get().cols(), spec.pty().get().rows())
          : spawnPlain(argv);
      Cgroups.Group group = sb.group;
      long oomAtStart = group == null ? -1 : group.oomKills();
      String name = "sandbox-" + processCounter.incrementAndGet() + "-" + id.owner();
      LocalProcess[] self = new LocalProcess[1];
      Optional<PtyMaster> master = process instanceof PtyProcess ptyProcess ? PtyMaster.of(ptyProcess) : Optional.empty();
      ProcessOutput out = output(process, master, caller, outputLimit, () -> self[0].killFor(Reason.OUTPUT_LIMIT));
      ProcessInput in = new ProcessInput(vertx, process.getOutputStream(), !pty, name + "-in", master.orElse(null));
      LocalProcess lp = new LocalProcess(id, process, out, in, caller, oomAtStart);
      self[0] = lp;
      sb.processes.add(lp);
      wall.ifPresent(w -> lp.wallTimer(vertx.setTimer(Math.max(1, w.toMillis()), t -> lp.killFor(Reason.TIMEOUT))));
      out.start(name + "-out");
      onExit(process).whenComplete((v, e) -> {
        master.ifPresent(PtyMaster::processEnded);
        out.processEnded();
        lp.markEnded();
        reap(() -> processExited(sb, lp, group));
      });
      return lp;
    }
  }

  /** A terminal is read on the caller's event loop where it can be (see EventLoopPtyOutput), else by a thread. */
  private ProcessOutput output(Process process, Optional<PtyMaster> master, Context caller, long limit,
      Runnable onLimit) throws IOException {
    if (master.isPresent() && EventLoopPtyOutput.supports(caller)) {
      return new EventLoopPtyOutput(caller, master.get(), process.getInputStream(), limit, onLimit);
    }
    if (master.isPresent()) {
      return new ThreadedOutput(vertx, master.get().input(process.getInputStream()), master.get()::readyBytes, limit,
          onLimit);
    }
    InputStream stdout = process.getInputStream();
    return new ThreadedOutput(vertx, stdout, ThreadedOutput.availableOn(stdout), limit, onLimit);
  }

  /** Measures the workspace first, so that when exit() completes the next exec sees the new size. */
  private void processExited(Sandbox sb, LocalProcess lp, Cgroups.Group group) {
    if (lp.wallTimer() >= 0) vertx.cancelTimer(lp.wallTimer());
    long oomKills = group == null ? -1 : group.oomKills();
    try {
      long used = store.measure(sb.id);
      sb.workspaceBytes = used;
      if (used > settings.workspaceBytes()) {
        log.info("Sandbox {}: workspace at {} MB, over its {} MB; runs are refused until files are deleted", sb.id,
            mb(used), settings.workspaceMb());
      }
    } catch (RuntimeException e) {
      log.warn("Could not measure the workspace of sandbox {}", sb.id, e);
    }
    sb.processes.remove(lp);
    ExitStatus status = lp.finish(oomKills);
    log.debug("Sandbox {} process ended: {}", sb.id, status);
  }

  /** Runs after-exit work on the reaper pool; inline once the runtime has closed (exit() must complete). */
  private void reap(Runnable work) {
    try {
      reaper.execute(work);
    } catch (RejectedExecutionException e) {
      work.run();
    }
  }

  /** The JDK's own exit future for its processes; for PTY processes the handle of the same pid. */
  private static CompletableFuture<?> onExit(Process process) {
    if (process.getClass().getName().startsWith("java.lang.")) return process.onExit();
    return ProcessHandle.of(process.pid())
        .<CompletableFuture<?>>map(ProcessHandle::onExit)
        .orElseGet(() -> CompletableFuture.completedFuture(null));
  }

  /**
   * sh (join the cgroups) → prlimit (rlimits) → nsenter (the sandbox's network namespace, for execs) → setpriv
   * (the sandbox's host uid, no new privileges) → bwrap. Each step execs the next, so the pid Java sees is
   * bwrap's, and all of them are in the cgroups already.
   */
  private List<String> launcher(Sandbox sb, int uid, List<String> bwrapCommand, OptionalLong cpuSeconds,
      NetworkNamespace network) {
    List<String> a = new ArrayList<>();
    if (sb.group != null) {
      a.addAll(List.of(sh.toString(), "-c", JOIN_CGROUPS, "pocketlab-sandbox"));
      a.addAll(sb.group.procsFiles());
      a.add("--");
    }
    a.addAll(List.of(prlimit.toString(), "--core=0", "--fsize=" + settings.fileSizeBytes(), "--nofile=4096"));
    if (perSandboxUsers) a.add("--nproc=" + settings.maxProcesses());
    if (!cgroups.enforces("memory")) a.add("--as=" + settings.memoryBytes());
    cpuSeconds.ifPresent(s -> a.add("--cpu=" + s));
    a.add("--");
    if (network != null) a.addAll(List.of(nsenter.toString(), "--net=" + network.path(), "--"));
    if (perSandboxUsers) {
      a.addAll(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--no-new-privs",
          "--"));
    }
    a.addAll(bwrapCommand);
    return a;
  }

  private long tmpfsBytes() {
    return Math.min(TMPFS_MAX, Math.max(16L * 1024 * 1024, settings.workspaceBytes()));
  }

  // ------------------------------------------------------------------------------------ stop, reset, etc.

  @Override
  public Future<Void> stop(SandboxId id) {
    return blocking(() -> {
      Sandbox sb = sandbox(id);
      synchronized (sb) {
        stopLocked(sb);
      }
      return null;
    });
  }

  private void stopLocked(Sandbox sb) throws IOException {
    boolean wasUp = sb.state == SandboxStatus.RUNNING || sb.holder != null || !sb.processes.isEmpty();
    endEverything(sb, Reason.SANDBOX_STOPPED);
    if (store.exists(sb.id)) store.markRunning(sb.id, false);
    sb.state = store.exists(sb.id) ? SandboxStatus.STOPPED : SandboxStatus.NONE;
    sb.crashNote = null;
    sb.startedAt = null;
    if (wasUp) log.info("Sandbox {} stopped", sb.id);
  }

  /** Kills every process of the sandbox (and its holder), empties and removes its cgroups. */
  private void endEverything(Sandbox sb, Reason reason) {
    sb.holderStopping = true;
    List<LocalProcess> live = new ArrayList<>(sb.processes);
    for (LocalProcess p : live) p.killFor(reason);
    Process holder = sb.holder;
    if (holder != null) holder.destroyForcibly();
    if (sb.group != null) sb.group.killAll(STOP_TIMEOUT);
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (LocalProcess p : live) await(p.ended, deadline);
    if (holder != null) await(holder.onExit(), deadline);
    if (sb.group != null) {
      if (!sb.group.remove()) log.warn("Could not remove the cgroups of sandbox {}", sb.id);
      sb.group = null;
    }
    sb.holder = null;
    if (sb.network != null) {
      sb.network.close(); // processes still in it keep it alive; no new exec can join it
      sb.network = null;
    }
  }

  private static void await(CompletableFuture<?> f, long deadline) {
    try {
      f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("A sandbox process did not end within {}", STOP_TIMEOUT);
    }
  }

  @Override
  public Future<SandboxStatus> status(SandboxId id) {
    return blocking(() -> {
      Sandbox sb = sandboxes.get(id);
      if (sb == null) return store.wasRunning(id) ? SandboxStatus.CRASHED
          : store.exists(id) ? SandboxStatus.STOPPED : SandboxStatus.NONE;
      synchronized (sb) {
        return sb.status();
      }
    });
  }

  @Override
  public Future<List<SandboxInfo>> list() {
    return blocking(() -> {
      Set<SandboxId> ids = new LinkedHashSet<>(store.all());
      ids.addAll(sandboxes.keySet());
      List<SandboxInfo> infos = new ArrayList<>();
      for (SandboxId id : ids) {
        Sandbox sb = sandbox(id);
        synchronized (sb) {
          SandboxStatus status = sb.status();
          if (status != SandboxStatus.NONE) infos.add(sb.info(false, null));
        }
      }
      return infos;
    });
  }

  @Override
  public Future<Void> reset(SandboxId id) {
    return blocking(() -> {
      Sandbox sb = sandbox(id);
      synchronized (sb) {
        checkOpen();
        stopLocked(sb);
        store.reset(id);
        sb.workspaceBytes = store.measure(id);
        sb.state = SandboxStatus.STOPPED;
        log.info("Sandbox {}: workspace reset to the starter project", id);
      }
      return null;
    });
  }

  @Override
  public synchronized Future<Void> close() {
    if (closing != null) return closing;
    closed.set(true);
    closing = worker.executeBlocking(() -> {
      for (Sandbox sb : sandboxes.values()) {
        synchronized (sb) {
          try {
            stopLocked(sb);
          } catch (IOException | RuntimeException e) {
            log.warn("Could not stop sandbox {} cleanly: {}", sb.id, e.toString());
          }
          for (LocalProcess p : sb.processes) p.abandonOutput();
        }
      }
      cgroups.close();
      spawner.shutdown();
      reaper.shutdown(); // what is queued still runs
      return (Void) null;
    }, false).eventually(worker::close);
    return closing;
  }

  // --------------------------------------------------------------------------------- for tests, in package

  OptionalLong holderPid(SandboxId id) {
    Sandbox sb = sandboxes.get(id);
    if (sb == null) return OptionalLong.empty();
    synchronized (sb) {
      return sb.holder == null ? OptionalLong.empty() : OptionalLong.of(sb.holder.pid());
    }
  }

  Cgroups cgroups() {
    return cgroups;
  }

  String cgroupParentName() {
    return cgroupParentName;
  }

  int uidOf(SandboxId id) throws IOException {
    return store.uid(id);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private Sandbox sandbox(SandboxId id) {
    return sandboxes.computeIfAbsent(id, Sandbox::new);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    if (closed.get()) return Future.failedFuture(unavailable());
    return worker.executeBlocking(work, false);
  }

  private void checkOpen() {
    if (closed.get()) throw unavailable();
  }

  private static SandboxException unavailable() {
    return new SandboxException(Kind.UNAVAILABLE, "Sandboxes are shutting down.");
  }

  private Context callerContext() {
    Context current = Vertx.currentContext();
    return current != null ? current : vertx.getOrCreateContext();
  }

  private Process spawnPlain(List<String> argv) throws IOException {
    return spawn(() -> {
      ProcessBuilder b = new ProcessBuilder(argv).redirectErrorStream(true).directory(new File("/"));
      b.environment().clear();
      b.environment().putAll(launchEnvironment());
      return b.start();
    });
  }

  private Process spawnPty(List<String> argv, int cols, int rows) throws IOException {
    return spawn(() -> new PtyProcessBuilder(argv.toArray(String[]::new))
        .setEnvironment(launchEnvironment())
        .setDirectory("/")
        .setInitialColumns(cols)
        .setInitialRows(rows)
        .setConsole(false)
        .setRedirectErrorStream(true)
        .setUnixOpenTtyToPreserveOutputAfterTermination(true) // the last output is still readable after exit
        .start());
  }

  private Process spawn(Callable<Process> start) throws IOException {
    try {
      return spawner.submit(start).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while starting a sandbox process", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException("Could not start a sandbox process: " + e.getCause(), e.getCause());
    }
  }

  /** The launcher chain's own environment (bwrap clears it for the sandbox anyway): nothing of ours. */
  private static Map<String, String> launchEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("LANG", "C.UTF-8");
    return env;
  }

  private static Path tool(String name) throws IOException {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) return p;
    }
    throw new IOException("'" + name + "' was not found; local sandboxes need bubblewrap and util-linux"
        + " (deploy/local/install-deps installs them)");
  }

  private static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  private static long mb(long bytes) {
    return (bytes + 1024 * 1024 - 1) / (1024 * 1024);
  }

  private static String shortHash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One sandbox's state in this runtime; guarded by its own monitor. */
  private final class Sandbox {
    final SandboxId id;
    SandboxStatus state;
    Instant startedAt;
    String crashNote;
    Cgroups.Group group;
    Process holder;
    boolean holderStopping;
    NetworkNamespace network;
    final Set<LocalProcess> processes = ConcurrentHashMap.newKeySet();
    volatile long workspaceBytes;

    Sandbox(SandboxId id) {
      this.id = id;
      this.state = store.exists(id) ? SandboxStatus.STOPPED : SandboxStatus.NONE;
    }

    boolean holderAlive() {
      return holder != null && holder.isAlive();
    }

    SandboxStatus status() {
      if (state == SandboxStatus.RUNNING && !holderAlive()) return SandboxStatus.CRASHED;
      if (state == SandboxStatus.NONE && store.exists(id)) return SandboxStatus.STOPPED;
      return state;
    }

    SandboxInfo info(boolean restarted, String note) {
      SandboxStatus s = status();
      return new SandboxInfo(id, s, s == SandboxStatus.RUNNING ? Optional.ofNullable(startedAt) : Optional.empty(),
          restarted, Optional.ofNullable(note));
    }
  }
}
