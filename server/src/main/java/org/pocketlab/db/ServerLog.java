package org.pocketlab.db;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The one log file of a local server: the output of initdb, pg_ctl and createdb, and the server's own
 * log. Failures quote its last lines, so that an exception alone explains what went wrong.
 */
final class ServerLog {

  private static final long ROTATE_AT_BYTES = 10L * 1024 * 1024;
  private static final int TAIL_BYTES = 16 * 1024;

  private final Path file;

  private ServerLog(Path file) {
    this.file = file;
  }

  /** Opens (creating and handing to the server user) the log, moving a large one aside first. */
  static ServerLog open(Path file, ServerUser serverUser) {
    try {
      if (Files.exists(file) && Files.size(file) > ROTATE_AT_BYTES) {
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      }
      if (!Files.exists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      serverUser.own(file); // postgres appends to it too
      return new ServerLog(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the PostgreSQL log " + file, e);
    }
  }

  Path file() {
    return file;
  }

  long size() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  void note(String line) {
    try {
      Files.writeString(file, "[pocketlab " + Instant.now() + "] " + line + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The log is for diagnosis only; never fail an operation because of it.
    }
  }

  /** What was written since {@code offset} (at most the last 16 KiB of it). */
  String since(long offset) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(offset, in.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) Math.max(0, in.length() - start)];
      in.seek(start);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String tail(int lines) {
    List<String> all = Arrays.asList(since(0).split("\n"));
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** An exception whose message ends with the last lines of this log. */
  IllegalStateException failure(String what) {
    return new IllegalStateException(what + "\n--- last lines of " + file + " ---\n" + tail(25));
  }
}
