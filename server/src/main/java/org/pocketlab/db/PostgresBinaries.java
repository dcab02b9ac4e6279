package org.pocketlab.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The directory holding the PostgreSQL server programs (initdb, pg_ctl, postgres, createdb). */
record PostgresBinaries(Path dir) {

  static final String BIN_ENV = "POCKETLAB_PG_BIN";
  static final String NOT_FOUND =
      "PostgreSQL server binaries not found; install the 'postgresql' package or set POCKETLAB_DB_URL";
  private static final List<String> REQUIRED = List.of("initdb", "pg_ctl", "postgres", "createdb");
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  /** POCKETLAB_PG_BIN, else {@code pg_config --bindir}, else the highest /usr/lib/postgresql/N/bin. */
  static PostgresBinaries locate() {
    return locate(System.getenv(), PostgresBinaries::pgConfigBindir, DEBIAN_ROOT);
  }

  static PostgresBinaries locate(Map<String, String> env, Supplier<Optional<Path>> pgConfig, Path debianRoot) {
    String override = env.get(BIN_ENV);
    if (override != null && !override.isBlank()) {
      Path dir = Path.of(override);
      if (!complete(dir)) {
        throw new IllegalStateException(
            BIN_ENV + "=" + override + " does not contain the PostgreSQL server programs " + REQUIRED);
      }
      return new PostgresBinaries(dir);
    }
    // libpq-dev's pg_config may name a bindir that holds only client programs: check, then move on.
    return pgConfig.get()
        .filter(PostgresBinaries::complete)
        .or(() -> highestVersionUnder(debianRoot))
        .map(PostgresBinaries::new)
        .orElseThrow(() -> new IllegalStateException(NOT_FOUND));
  }

  Path tool(String name) {
    return dir.resolve(name);
  }

  private static boolean complete(Path dir) {
    return REQUIRED.stream().allMatch(name -> Files.isExecutable(dir.resolve(name)));
  }

  private static Optional<Path> highestVersionUnder(Path root) {
    if (!Files.isDirectory(root)) return Optional.empty();
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)*"))
          .map(v -> v.resolve("bin"))
          .filter(PostgresBinaries::complete)
          .max(Comparator.comparing(bin -> versionOf(bin.getParent()), PostgresBinaries::compareVersions));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<Integer> versionOf(Path versionDir) {
    List<Integer> parts = new ArrayList<>();
    for (String part : versionDir.getFileName().toString().split("\\.")) parts.add(Integer.parseInt(part));
    return parts;
  }

  private static int compareVersions(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int diff = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
      if (diff != 0) return diff;
    }
    return 0;
  }

  private static Optional<Path> pgConfigBindir() {
    try {
      Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readNBytes(4096);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      String bindir = new String(output, StandardCharsets.UTF_8).trim();
      return process.exitValue() == 0 && !bindir.isEmpty() ? Optional.of(Path.of(bindir)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // no pg_config on the PATH
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
