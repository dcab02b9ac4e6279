package org.pocketlab.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.pocketlab.db.DbSettings;
import org.pocketlab.db.LocalPostgres;

/**
 * PostgreSQL for tests: ONE server per test JVM, started on first use in a fresh directory under /tmp
 * and stopped (directory deleted) when the JVM exits; each test takes a fresh database from it.
 *
 * <pre>{@code
 * try (Database db = Database.open(vertx, TestPostgres.freshDatabase())) { ... }
 * }</pre>
 *
 * Tests that need a server of their own (to stop or restart it) use {@link #newServerDirectory()} and
 * {@link #start(Path)}; such servers are stopped at exit too if the test does not get to it.
 */
public final class TestPostgres {

  /** Durability is pointless for throwaway data; many tests may hold pools at once. */
  private static final Map<String, String> TEST_SETTINGS = Map.of(
      "fsync", "off",
      "synchronous_commit", "off",
      "full_page_writes", "off",
      "max_connections", "300");
  private static final String PREFIX = "pocketlab-test-pg-";
  /** Held by the JVM that owns a directory; the OS drops it when that JVM dies. */
  private static final String JVM_LOCK = "jvm.lock";
  /** A directory younger than this may belong to a JVM that has not locked it yet: leave it alone. */
  private static final Duration SWEEP_MIN_AGE = Duration.ofMinutes(1);
  private static final int DEFAULT_POOL_SIZE = 4;

  private static final AtomicInteger databaseCounter = new AtomicInteger();
  private static final AtomicInteger directoryCounter = new AtomicInteger();
  private static final List<LocalPostgres> servers = new ArrayList<>();
  private static Path root;
  private static FileChannel rootLock; // never released: the JVM's exit does it
  private static LocalPostgres shared;

  private TestPostgres() {}

  /** The shared server of this JVM, started on first use. */
  public static synchronized LocalPostgres server() {
    if (shared == null) shared = start(newServerDirectory());
    return shared;
  }

  /** A new, empty database on the shared server (Database.open migrates it), pool size 4. */
  public static DbSettings freshDatabase() {
    return freshDatabase(DEFAULT_POOL_SIZE);
  }

  public static DbSettings freshDatabase(int poolSize) {
    LocalPostgres pg = server();
    String name = "test_" + databaseCounter.incrementAndGet();
    if (!pg.createDatabase(name)) throw new IllegalStateException("Test database " + name + " already exists");
    return pg.dbSettings(name, poolSize);
  }

  /** A directory (not yet existing) for a server of a test's own, deleted at exit. */
  public static synchronized Path newServerDirectory() {
    return root().resolve("pg-" + directoryCounter.incrementAndGet());
  }

  /** Starts a server in {@code dir} with the fast test settings; stopped at exit unless closed before. */
  public static LocalPostgres start(Path dir) {
    LocalPostgres pg = LocalPostgres.start(dir, TEST_SETTINGS);
    synchronized (TestPostgres.class) {
      servers.add(pg);
    }
    return pg;
  }

  /**
   * The JVM's directory, readable by the unprivileged user PostgreSQL runs as when we are root: under
   * /tmp (traversable by all) and itself 0755.
   */
  private static synchronized Path root() {
    if (root == null) {
      sweepAbandonedDirectories();
      try {
        root = Files.createTempDirectory(Path.of("/tmp"), PREFIX);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        rootLock = FileChannel.open(root.resolve(JVM_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        rootLock.lock();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not create a directory for the test PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stopAll, "test-postgres-stop"));
    }
    return root;
  }

  private static synchronized void stopAll() {
    for (LocalPostgres pg : servers) {
      try {
        pg.close();
      } catch (RuntimeException e) {
        System.err.println("Could not stop test PostgreSQL in " + pg.directory() + ": " + e.getMessage());
      }
    }
    deleteQuietly(root);
  }

  /**
   * A test JVM that was killed leaves its servers running and its directory behind; stop and delete
   * those, so that they do not pile up. Directories of live JVMs are locked and skipped.
   */
  private static void sweepAbandonedDirectories() {
    Instant cutoff = Instant.now().minus(SWEEP_MIN_AGE);
    try (Stream<Path> candidates = Files.list(Path.of("/tmp"))) {
      for (Path dir : candidates.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
        if (Files.getLastModifiedTime(dir).toInstant().isAfter(cutoff) || ownerIsAlive(dir)) continue;
        boolean stopped;
        try (Stream<Path> serverDirs = Files.list(dir)) {
          stopped = serverDirs.filter(Files::isDirectory).allMatch(LocalPostgres::stopAbandoned);
        }
        if (stopped) deleteQuietly(dir);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("Could not sweep old test PostgreSQL directories: " + e.getMessage());
    }
  }

  private static boolean ownerIsAlive(Path dir) throws IOException {
    Path lockFile = dir.resolve(JVM_LOCK);
    if (!Files.exists(lockFile)) return false;
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) return true;
      lock.release();
      return false;
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("Could not delete " + dir + ": " + e.getMessage());
    }
  }
}
