package org.pocketlab.sandbox.local;

import com.pty4j.PtyProcess;
import com.pty4j.unix.UnixPtyProcess;
import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two things pty4j's streams can't do with a PTY master, asked of the kernel directly:
 * <ul>
 *   <li>{@link #readyBytes()}: how much output waits ({@code FIONREAD}), so the reader takes it all into one
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
      Set.of("amd64", "x86_64", "aarch64", "arm", "riscv64", "s390x", "loongarch64");

  private interface LibC extends Library {
    int ioctl(int fd, NativeLong request, IntByReference count) throws LastErrorException;

    int poll(Pointer fds, NativeLong count, int timeoutMs) throws LastErrorException;

    NativeLong write(int fd, byte[] bytes, NativeLong count) throws LastErrorException;
  }

  private static final LibC LIBC = load();

  private final int fd;
  private final IntByReference ready = new IntByReference(); // only the reader thread asks
  private final Memory pollFd = new Memory(8); // struct pollfd; only writers, under ProcessInput's lock
  private final byte[] one = new byte[1];

  private PtyMaster(int fd) {
    this.fd = fd;
    pollFd.setInt(0, fd);
    pollFd.setShort(4, POLLOUT);
  }

  static Optional<PtyMaster> of(PtyProcess process) {
    if (LIBC == null || !(process instanceof UnixPtyProcess unix)) return Optional.empty();
    return Optional.of(new PtyMaster(unix.getPty().getMasterFD()));
  }

  /** Bytes of output ready to read now; 0 if unknown (closed under us: the next read reports the end). */
  int readyBytes() {
    try {
      LIBC.ioctl(fd, new NativeLong(FIONREAD), ready);
      return ready.getValue();
    } catch (LastErrorException e) {
      return 0;
    }
  }

  /** Writes the byte if that cannot block; false means "use the writer thread" (full, or an error it reports). */
  boolean tryWriteByte(byte b) {
    try {
      pollFd.setShort(6, (short) 0);
      if (LIBC.poll(pollFd, new NativeLong(1), 0) != 1 || (pollFd.getShort(6) & POLLOUT) == 0) return false;
      one[0] = b;
      return LIBC.write(fd, one, new NativeLong(1)).intValue() == 1;
    } catch (LastErrorException e) {
      return false;
    }
  }

  private static LibC load() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !GENERIC_IOCTL_ARCHES.contains(arch)) return null;
    try {
      return Native.load("c", LibC.class);
    } catch (LinkageError e) {
      log.info("libc is not reachable through JNA ({}); PTYs use pty4j's streams alone", e.toString());
      return null;
    }
  }
}
