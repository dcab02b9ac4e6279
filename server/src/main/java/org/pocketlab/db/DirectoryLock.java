package org.pocketlab.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An OS file lock on a server directory, held while a LocalPostgres uses it. The OS drops it when the
 * process dies, so "lock free but postmaster running" reliably means "left behind by a crashed run":
 * safe to stop. It also keeps two live processes from sharing (and stopping) one server.
 */
final class DirectoryLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or empty when another process (or this one) holds it. */
  static Optional<DirectoryLock> tryAcquire(Path lockFile) {
    try {
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held elsewhere in this JVM
      }
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      return Optional.of(new DirectoryLock(channel, lock));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not lock " + lockFile, e);
    }
  }

  static DirectoryLock acquire(Path dir) {
    Path lockFile = dir.resolve("lock");
    return tryAcquire(lockFile).orElseThrow(() -> new IllegalStateException(
        "PostgreSQL directory " + dir + " is in use by another LocalPostgres (process " + holder(lockFile)
            + "); stop that one first or use another directory"));
  }

  private static String holder(Path lockFile) {
    try {
      return Files.readString(lockFile, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock anyway.
    }
  }
}
