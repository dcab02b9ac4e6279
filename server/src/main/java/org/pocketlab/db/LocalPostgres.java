package org.pocketlab.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process, with everything in one dedicated directory, so that the
 * server works with no database configured and keeps its data across restarts.
 *
 * <p>Layout of the directory: {@code pgdata/} (the cluster), {@code password} (the superuser's, 0600),
 * {@code postgres.log}, {@code lock} (held while running) and the server's unix socket. The server
 * listens on 127.0.0.1 on a port chosen afresh at every start. Registering a shutdown hook that calls
 * {@link #close()} is the caller's job.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String SUPERUSER = "pocketlab";
  public static final String DATABASE = "pocketlab";

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** pg_ctl gives up a little before we would kill it, so that its own message reaches the log. */
  private static final String PG_CTL_WAIT_SECONDS = String.valueOf(TIMEOUT.toSeconds() - 5);
  private static final String HOST = "127.0.0.1";
  private static final int MAX_SOCKET_PATH = 107; // sun_path is 108 bytes with its terminating NUL
  private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Set<String> RESERVED_SETTINGS = Set.of("listen_addresses", "port", "unix_socket_directories");
  private static final String INCLUDE_LINE = "include_if_exists = 'pocketlab.conf'";
  private static final int START_ATTEMPTS = 5;

  private final Path dir;
  private final Path pgdata;
  private final PostgresBinaries bin;
  private final ServerUser serverUser;
  private final DirectoryLock lock;
  private final ServerLog log;
  private final ToolRunner tools;
  private final Map<String, String> extraSettings;
  private final AtomicBoolean closed = new AtomicBoolean();
  private String password;
  private int port;

  private LocalPostgres(
      Path dir, PostgresBinaries bin, ServerUser serverUser, DirectoryLock lock, Map<String, String> extraSettings) {
    this.dir = dir;
    this.pgdata = dir.resolve("pgdata");
    this.bin = bin;
    this.serverUser = serverUser;
    this.lock = lock;
    this.extraSettings = extraSettings;
    this.log = ServerLog.open(dir.resolve("postgres.log"), serverUser);
    this.tools = new ToolRunner(dir, log, serverUser, TIMEOUT);
  }

  /** Starts (initializing on first use) the server whose data lives in {@code dir}. */
  public static LocalPostgres start(Path dir) {
    return start(dir, Map.of());
  }

  /**
   * As {@link #start(Path)}, with extra postgresql.conf settings, e.g. {@code fsync=off} for throwaway
   * test servers (which also makes initdb skip its final sync).
   */
  public static LocalPostgres start(Path dir, Map<String, String> extraSettings) {
    Map<String, String> settings = checkedSettings(extraSettings);
    PostgresBinaries bin = PostgresBinaries.locate();
    ServerUser serverUser = ServerUser.forThisProcess();
    Path home = prepareDirectory(dir, serverUser);
    DirectoryLock lock = DirectoryLock.acquire(home);
    LocalPostgres pg = null;
    try {
      pg = new LocalPostgres(home, bin, serverUser, lock, settings);
      pg.boot();
      return pg;
    } catch (RuntimeException e) {
      if (pg != null) pg.stopAfterFailedStart();
      lock.close();
      throw e;
    }
  }

  /**
   * Stops a server that a process which has since died left running in {@code dir}, for sweeping up
   * after crashed runs. Returns false (and does nothing) while a live LocalPostgres uses {@code dir}.
   */
  public static boolean stopAbandoned(Path dir) {
    if (!Files.isDirectory(dir)) return true;
    var maybeLock = DirectoryLock.tryAcquire(dir.resolve("lock"));
    if (maybeLock.isEmpty()) return false;
    try (DirectoryLock held = maybeLock.get()) {
      if (!Files.isDirectory(dir.resolve("pgdata"))) return true;
      new LocalPostgres(dir, PostgresBinaries.locate(), ServerUser.forThisProcess(), held, Map.of())
          .stopLeftoverPostmaster();
    }
    return true;
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  public String user() {
    return SUPERUSER;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  public Path directory() {
    return dir;
  }

  /** Settings for {@link Database#open} on one of this server's databases. */
  public DbSettings dbSettings(String database, int poolSize) {
    return new DbSettings(jdbcUrl(database), user(), password(), poolSize);
  }

  /** Creates a database (with createdb); false when it already existed. */
  public boolean createDatabase(String name) {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Not a plain database name: " + name);
    }
    if (closed.get()) throw new IllegalStateException("LocalPostgres in " + dir + " is closed");
    ToolRunner.Result result = tools.runAsClient(
        List.of(bin.tool("createdb").toString(), "--host=" + HOST, "--port=" + port,
            "--username=" + SUPERUSER, "--no-password", name),
        Map.of("PGPASSWORD", password, "PGCONNECT_TIMEOUT", "10"));
    if (result.ok()) return true;
    if (result.output().contains("database \"" + name + "\" already exists")) return false;
    throw log.failure("createdb " + name + " failed (exit " + result.exitCode() + ")");
  }

  /** Stops the server (fast shutdown: sessions are ended, data is safe). Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    try {
      ToolRunner.Result result = pgCtl("stop", "-m", "fast", "-w", "-t", PG_CTL_WAIT_SECONDS);
      if (!result.ok() && postmasterRunning()) {
        throw log.failure("PostgreSQL in " + pgdata + " did not stop (pg_ctl exit " + result.exitCode() + ")");
      }
      LOG.info("Stopped PostgreSQL in {}", pgdata);
    } finally {
      lock.close();
    }
  }

  /** As if this JVM had died: the server keeps running and the directory lock is released. Tests only. */
  void releaseWithoutStopping() {
    closed.set(true);
    lock.close();
  }

  /** The process id recorded in postmaster.pid, if there is a readable one. */
  OptionalLong postmasterPid() {
    Path pidFile = pgdata.resolve("postmaster.pid");
    try (Stream<String> lines = Files.lines(pidFile, StandardCharsets.US_ASCII)) {
      return lines.findFirst().map(String::trim).filter(s -> s.matches("\\d+"))
          .map(s -> OptionalLong.of(Long.parseLong(s))).orElse(OptionalLong.empty());
    } catch (IOException | UncheckedIOException e) {
      return OptionalLong.empty();
    }
  }

  private void boot() {
    password = readOrCreatePassword();
    initdbIfNeeded();
    stopLeftoverPostmaster();
    long started = System.nanoTime();
    startServer();
    LOG.info("PostgreSQL started on {}:{} in {} ms (data in {})", HOST, port, millisSince(started), pgdata);
    createDatabase(DATABASE);
  }

  private static Path prepareDirectory(Path dir, ServerUser serverUser) {
    try {
      Path home = Files.createDirectories(dir.toAbsolutePath().normalize()).toRealPath();
      serverUser.checkCanReach(home);
      serverUser.own(home);
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare the PostgreSQL directory " + dir, e);
    }
  }

  private String readOrCreatePassword() {
    Path file = dir.resolve("password");
    try {
      if (Files.exists(file)) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (existing.isEmpty()) throw new IllegalStateException("The password file " + file + " is empty");
        return existing;
      }
      if (Files.exists(pgdata.resolve("PG_VERSION")) && !Files.exists(initdbMarker())) {
        throw new IllegalStateException("The cluster in " + pgdata + " exists but its password file " + file
            + " is missing; restore it, or delete " + pgdata + " to start with an empty database");
      }
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      String created = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path temp = Files.createTempFile(dir, "password", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, created + "\n", StandardCharsets.UTF_8);
      serverUser.own(temp); // initdb reads it
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read or create the password file " + file, e);
    }
  }

  /** Present while an initdb runs: if it is still there at the next start, that initdb never finished. */
  private Path initdbMarker() {
    return dir.resolve("initdb.unfinished");
  }

  private void initdbIfNeeded() {
    try {
      if (Files.exists(pgdata.resolve("PG_VERSION")) && !Files.exists(initdbMarker())) return;
      if (Files.exists(initdbMarker())) {
        LOG.warn("Removing {}: its initdb did not finish", pgdata);
        deleteRecursively(pgdata);
      }
      Files.writeString(initdbMarker(), "initdb started\n");
      long started = System.nanoTime();
      List<String> initdb = new ArrayList<>(List.of(
          bin.tool("initdb").toString(),
          "--pgdata=" + pgdata,
          "--username=" + SUPERUSER,
          "--pwfile=" + dir.resolve("password"),
          "--encoding=UTF8",
          "--locale=" + bestLocale(),
          "--auth=scram-sha-256"));
      if ("off".equals(extraSettings.get("fsync"))) initdb.add("--no-sync");
      ToolRunner.Result result = tools.runAsServerUser(initdb);
      if (!result.ok()) throw log.failure("initdb failed (exit " + result.exitCode() + ") for " + pgdata);
      Files.delete(initdbMarker());
      LOG.info("Initialized a PostgreSQL cluster in {} in {} ms", pgdata, millisSince(started));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not initialize " + pgdata, e);
    }
  }

  /** C.UTF-8 where the C library has it (byte-order collation, but Unicode-aware upper/lower), else C. */
  private static String bestLocale() {
    try {
      Process process = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
      process.getOutputStream().close();
      String locales = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return locales.lines().map(String::toLowerCase).anyMatch(l -> l.equals("c.utf8") || l.equals("c.utf-8"))
          ? "C.UTF-8"
          : "C";
    } catch (IOException e) {
      return "C";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "C";
    }
  }

  /**
   * A postmaster still running on our data after the lock was free was left by a run that crashed:
   * stop it, so that we can start our own. A pid file whose postmaster is gone is removed once no
   * process uses the data any more (postgres itself would take a zombie postmaster for a live one).
   */
  private void stopLeftoverPostmaster() {
    if (!Files.exists(pgdata.resolve("postmaster.pid"))) return;
    OptionalLong pid = postmasterPid();
    if (pid.isEmpty() || !isOurPostmaster(pid.getAsLong())) {
      removeStalePidFile(pid.isPresent() ? "pid " + pid.getAsLong() : "unreadable pid");
      return;
    }
    LOG.warn("Stopping the PostgreSQL (pid {}) that an earlier run left running in {}", pid.getAsLong(), pgdata);
    ToolRunner.Result result = pgCtl("stop", "-m", "fast", "-w", "-t", PG_CTL_WAIT_SECONDS);
    if (!result.ok() && postmasterRunning()) {
      throw log.failure("Could not stop the PostgreSQL (pid " + pid.getAsLong() + ") left running in " + pgdata);
    }
  }

  /** Only where /proc shows us the backends a dead postmaster may leave; elsewhere postgres decides. */
  private void removeStalePidFile(String deadPid) {
    if (!Files.isDirectory(Path.of("/proc/self"))) return;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Long> survivors;
    while (!(survivors = processesInDataDirectory()).isEmpty()) {
      if (System.nanoTime() - deadline > 0) {
        throw log.failure("The postmaster (" + deadPid + ") of " + pgdata + " is gone but processes "
            + survivors + " still use its data; stop them first");
      }
      sleep(Duration.ofMillis(100));
    }
    try {
      Files.deleteIfExists(pgdata.resolve("postmaster.pid"));
      log.note("removed the stale postmaster.pid (" + deadPid + ")");
      LOG.warn("Removed the stale postmaster.pid of {} ({}, no longer running)", pgdata, deadPid);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not remove the stale " + pgdata.resolve("postmaster.pid"), e);
    }
  }

  /** A postmaster and its backends all work in the data directory; a zombie has no directory. */
  private List<Long> processesInDataDirectory() {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      Path data = pgdata.toRealPath();
      return processes
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> {
            try {
              return Files.readSymbolicLink(p.resolve("cwd")).equals(data);
            } catch (IOException e) {
              return false; // gone, a zombie, or not ours to look at
            }
          })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list the processes in /proc", e);
    }
  }

  private boolean postmasterRunning() {
    OptionalLong pid = postmasterPid();
    return pid.isPresent() && isOurPostmaster(pid.getAsLong());
  }

  /**
   * Alive and working in our data directory, where /proc tells (a zombie has no cwd; a process that
   * merely reused the pid has another); elsewhere, alive and called postgres.
   */
  private boolean isOurPostmaster(long pid) {
    var process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) return false;
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return process.get().info().command().map(c -> c.contains("postgres")).orElse(true);
    }
    try {
      return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")).equals(pgdata.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  private void startServer() {
    for (int attempt = 1; ; attempt++) {
      int candidate = freePort();
      writeServerConfig(candidate);
      long offset = log.size();
      ToolRunner.Result result =
          pgCtl("start", "-l", log.file().toString(), "-w", "-t", PG_CTL_WAIT_SECONDS);
      if (result.ok()) {
        port = candidate;
        return;
      }
      // Someone took the port between our probe and the bind, or the backends of a crashed
      // postmaster are still exiting: both pass.
      String output = log.since(offset);
      boolean passing = output.contains("Address already in use") || output.contains("pre-existing shared memory");
      if (!passing || attempt == START_ATTEMPTS) {
        throw log.failure("PostgreSQL did not start in " + pgdata + " (pg_ctl exit " + result.exitCode() + ")");
      }
      LOG.info("PostgreSQL start attempt {} in {} met a passing problem; trying again", attempt, pgdata);
      sleep(Duration.ofMillis(300L * attempt));
    }
  }

  /** Settings that change per start live in pgdata/pocketlab.conf, so no shell quoting is involved. */
  private void writeServerConfig(int port) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen_addresses", HOST);
    settings.put("port", String.valueOf(port));
    String socket = dir + "/.s.PGSQL.65535";
    boolean socketFits = socket.getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH;
    if (!socketFits) LOG.info("{} is too long a path for a unix socket; PostgreSQL will use TCP only", dir);
    settings.put("unix_socket_directories", socketFits ? dir.toString() : "");
    settings.putAll(extraSettings);
    StringBuilder conf = new StringBuilder("# Written by Pocketlab before every start; edits here are lost.\n");
    settings.forEach((name, value) ->
        conf.append(name).append(" = '").append(value.replace("\\", "\\\\").replace("'", "''")).append("'\n"));
    try {
      Path postgresqlConf = pgdata.resolve("postgresql.conf");
      if (!Files.readString(postgresqlConf, StandardCharsets.UTF_8).contains(INCLUDE_LINE)) {
        Files.writeString(postgresqlConf, "\n# Port and addresses: written by Pocketlab at every start.\n"
            + INCLUDE_LINE + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      }
      Path file = pgdata.resolve("pocketlab.conf");
      Files.writeString(file, conf, StandardCharsets.UTF_8);
      serverUser.own(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the server configuration in " + pgdata, e);
    }
  }

  private ToolRunner.Result pgCtl(String action, String... options) {
    List<String> command = new ArrayList<>(List.of(bin.tool("pg_ctl").toString(), action, "-D", pgdata.toString()));
    command.addAll(List.of(options));
    return tools.runAsServerUser(command);
  }

  private void stopAfterFailedStart() {
    try {
      if (postmasterRunning()) pgCtl("stop", "-m", "fast", "-w", "-t", PG_CTL_WAIT_SECONDS);
    } catch (RuntimeException e) {
      LOG.warn("Could not stop PostgreSQL in {} after a failed start", pgdata, e);
    }
  }

  private static Map<String, String> checkedSettings(Map<String, String> settings) {
    settings.forEach((name, value) -> {
      if (!SETTING_NAME.matcher(name).matches() || value == null || value.contains("\n")) {
        throw new IllegalArgumentException("Bad PostgreSQL setting: " + name + " = " + value);
      }
      if (RESERVED_SETTINGS.contains(name)) {
        throw new IllegalArgumentException(name + " is chosen by LocalPostgres and cannot be set");
      }
    });
    return Map.copyOf(settings);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not find a free TCP port on " + HOST, e);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private static long millisSince(long nanoTime) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting PostgreSQL", e);
    }
  }
}
