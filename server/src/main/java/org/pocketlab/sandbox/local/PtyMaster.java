package org.pocketlab.sandbox.local;

import com.pty4j.PtyProcess;
import com.pty4j.unix.UnixPtyProcess;
import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PTY master used directly where pty4j's streams cost too much or can't help:
 * <ul>
 *   <li>{@link #readNow}: a read that never blocks, for the event loop ({@link EventLoopPtyOutput});
 *   <li>{@link #input}: otherwise, output read by a thread with plain {@code poll}/{@code read} into one reused
 *       native buffer;
 *   <li>{@link #readyBytes()}: how much output waits ({@code FIONREAD}), so a reader takes it all into one
 *       chunk without waiting for more (pty4j's {@code available()} is always 0);
 *   <li>{@link #tryWriteByte}: one keystroke written right away when the terminal has room ({@code poll}
 *       says writable, and one byte always fits then), so typing needs no hand-over to a writer thread.
 * </ul>
 * Only on Linux architectures with the generic ioctl numbers; elsewhere {@link #of} is empty and the streams
 * work as before.
 */
final class PtyMaster {
  private static final Logger log = LoggerFactory.getLogger(PtyMaster.class);
  private static final long FIONREAD = 0x541B; // generic Linux ioctl number (not mips, ppc, sparc, alpha)
  private static final short POLLOUT = 0x4;
  private static final Set<String> GENERIC_IOCTL_ARCHES =
      Set.of("amd64", "x86_64", "aarch64", "riscv64", "s390x", "loongarch64");

  /**
   * libc through JNA's direct mapping (static natives): several times cheaper per call than an interface proxy,
   * which matters at one poll and one read per 4 KB of a flood. Longs stand for size_t and friends, which is
   * why only 64-bit architectures are supported.
   */
  private static final class LibC {
    static native int ioctl(int fd, long request, IntByReference count) throws LastErrorException;

    static native int poll(Pointer fds, long count, int timeoutMs) throws LastErrorException;

    static native long write(int fd, byte[] bytes, long count) throws LastErrorException;

    static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

    static native int pipe(int[] fds) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }

  private static final int EINTR = 4;
  private static final int EIO = 5;
  private static final int EAGAIN = 11;
  private static final short POLLIN = 0x1;

  private static final boolean AVAILABLE = register();

  private final int fd;
  private final IntByReference ready = new IntByReference(); // only the reader thread asks
  private final Memory pollFd = new Memory(8); // struct pollfd; only writers, under ProcessInput's lock
  private final byte[] one = new byte[1];
  private final Memory readBuffer = new Memory(ProcessOutput.CHUNK); // only the one reader reads
  /** struct pollfd[2]: the master, and a pipe that says "the process has ended" (this JVM keeps the slave open). */
  private final Memory readPoll = new Memory(16);
  private final int[] endPipe = {-1, -1}; // made by input(): only a reader thread needs it
  private boolean ending; // only the reader thread
  static final int LAST_OUTPUT_WAIT_MS = 50;
  private static final int MORE_BEHIND = 1024;

  private PtyMaster(int fd) {
    this.fd = fd;
    pollFd.setInt(0, fd);
    pollFd.setShort(4, POLLOUT);
    readPoll.setInt(0, fd);
    readPoll.setShort(4, POLLIN);
  }

  static Optional<PtyMaster> of(PtyProcess process) {
    if (!AVAILABLE || !(process instanceof UnixPtyProcess unix)) return Optional.empty();
    return Optional.of(new PtyMaster(unix.getPty().getMasterFD()));
  }

  /** The master's descriptor number, for the event loop to poll. */
  int fd() {
    return fd;
  }

  /**
   * Reads what is waiting, up to {@code b.length} bytes, without ever blocking (the descriptor itself stays
   * blocking, for pty4j's writer): each read asks for no more than {@code FIONREAD} reports, and after a large
   * read, reads go on while more came in behind (under a flood: fewer, larger chunks). When nothing is
   * reported, a read is made only if {@code poll} says it returns at once: a hang-up or error, which the read
   * then reports.
   *
   * @return the bytes read; 0 when nothing waits; -1 once the terminal is gone (EIO) or failed
   */
  int readNow(byte[] b) {
    int max = (int) Math.min(b.length, readBuffer.size());
    int n = 0;
    try {
      int waiting = readyBytes();
      if (waiting == 0) {
        readPoll.setShort(6, (short) 0);
        if (LibC.poll(readPoll, 1, 0) != 1) return 0;
        waiting = max;
      }
      while (waiting > 0 && n < max) {
        long got = LibC.read(fd, n == 0 ? readBuffer : readBuffer.share(n), Math.min(waiting, max - n));
        if (got <= 0) break;
        n += (int) got;
        // Only a full line-discipline buffer's worth suggests more behind it; a keystroke's echo needs no ioctl more.
        waiting = n < max && got >= MORE_BEHIND ? readyBytes() : 0;
      }
    } catch (LastErrorException e) {
      if (n == 0) return e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN ? 0 : -1;
      // what was read goes out first; the next readiness reports the error again
    }
    if (n == 0) return -1; // end of file
    readBuffer.read(0, b, 0, n);
    return n;
  }

  /**
   * The master's output as a stream read with plain blocking {@code read(2)} calls into one reused native buffer.
   * pty4j's own stream builds two JNA structures (a poll on the master and a wake-up pipe) and a scratch array on
   * every read, which under a flood cost more CPU than moving the bytes. Closing it closes pty4j's stream, which
   * closes the master: only after the last read, so the descriptor is never read after its number was reused.
   */
  InputStream input(InputStream pty4jStream) throws IOException {
    try {
      LibC.pipe(endPipe);
    } catch (LastErrorException e) {
      throw new IOException("no descriptors left for the terminal's end-of-process pipe: errno " + e.getErrorCode());
    }
    readPoll.setInt(8, endPipe[0]);
    readPoll.setShort(12, POLLIN);
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] b = new byte[1];
        return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return readInto(b, off, len);
      }

      @Override
      public void close() throws IOException {
        pty4jStream.close();
        closeQuietly(endPipe[0]);
        closeQuietly(endPipe[1]);
      }
    };
  }

  /** The process has ended: once the output already waiting has been read, {@link #input}'s stream ends. */
  void processEnded() {
    if (endPipe[1] < 0) return;
    try {
      LibC.write(endPipe[1], new byte[] {1}, 1);
    } catch (LastErrorException e) {
      // already closed: the stream has ended anyway
    }
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      // already closed
    }
  }

  /** -1 once the process has ended and its output is read, or the terminal is gone (EIO). */
  private int readInto(byte[] b, int off, int len) throws IOException {
    int want = (int) Math.min(len, readBuffer.size());
    if (want == 0) return 0;
    while (true) {
      try {
        readPoll.setShort(6, (short) 0);
        readPoll.setShort(14, (short) 0);
        // After the end: the master alone, briefly, since the kernel hands the last output over asynchronously.
        LibC.poll(readPoll, ending ? 1 : 2, ending ? LAST_OUTPUT_WAIT_MS : -1);
        if (readPoll.getShort(6) != 0) { // data, or a hang-up / error that read reports
          int n = (int) LibC.read(fd, readBuffer, want);
          if (n <= 0) return -1;
          readBuffer.read(0, b, off, n);
          return n;
        }
        if (ending) return -1; // nothing more came
        if (readPoll.getShort(14) != 0) ending = true;
      } catch (LastErrorException e) {
        switch (e.getErrorCode()) {
          case EINTR, EAGAIN -> { } // poll again
          case EIO -> { return -1; }
          default -> throw new IOException("reading the terminal failed: errno " + e.getErrorCode());
        }
      }
    }
  }

  /** Bytes of output ready to read now; 0 if unknown (closed under us: the next read reports the end). */
  int readyBytes() {
    try {
      LibC.ioctl(fd, FIONREAD, ready);
      return ready.getValue();
    } catch (LastErrorException e) {
      return 0;
    }
  }

  /** Writes the byte if that cannot block; false means "use the writer thread" (full, or an error it reports). */
  boolean tryWriteByte(byte b) {
    try {
      pollFd.setShort(6, (short) 0);
      if (LibC.poll(pollFd, 1, 0) != 1 || (pollFd.getShort(6) & POLLOUT) == 0) return false;
      one[0] = b;
      return LibC.write(fd, one, 1) == 1;
    } catch (LastErrorException e) {
      return false;
    }
  }

  private static boolean register() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !GENERIC_IOCTL_ARCHES.contains(arch)) return false;
    try {
      Native.register(LibC.class, NativeLibrary.getInstance("c"));
      return true;
    } catch (LinkageError | RuntimeException e) {
      log.info("libc is not reachable through JNA ({}); PTYs use pty4j's streams alone", e.toString());
      return false;
    }
  }
}
