package org.pocketlab.sandbox.local;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox's network namespace (its own loopback, nothing else), held open by this server for as long as the
 * sandbox runs, so that every exec joins that very namespace, as the containers of a pod share one. Held as an
 * open descriptor rather than named by the holder's pid: a pid can be reused once its process is gone, and
 * joining whatever namespace a reused pid has could mean the host's network.
 */
final class NetworkNamespace implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetworkNamespace.class);
  private static final int O_RDONLY_CLOEXEC = 0x80000; // O_RDONLY | O_CLOEXEC: no child inherits it
  private static final boolean AVAILABLE = register();

  private static final class LibC {
    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }

  private final int fd;
  private volatile boolean closed;

  private NetworkNamespace(int fd) {
    this.fd = fd;
  }

  /**
   * The network namespace of the holder's sandbox: that of the direct child of its outer bwrap (bwrap itself
   * stays in the host's). Empty if it can't be told for certain: the holder ended, or its child is not there.
   */
  static Optional<NetworkNamespace> ofHolder(Process holder) {
    if (!AVAILABLE) return Optional.empty();
    Optional<ProcessHandle> child = holder.toHandle().children().findFirst();
    if (child.isEmpty()) return Optional.empty();
    int fd;
    try {
      fd = LibC.open("/proc/" + child.get().pid() + "/ns/net", O_RDONLY_CLOEXEC);
    } catch (LastErrorException e) {
      return Optional.empty();
    }
    NetworkNamespace ns = new NetworkNamespace(fd);
    // Still the holder's child after the open: then the pid was not reused in between, and the namespace is its.
    boolean same = holder.isAlive()
        && child.get().parent().map(p -> p.pid() == holder.pid()).orElse(false);
    if (!same) {
      ns.close();
      return Optional.empty();
    }
    return Optional.of(ns);
  }

  /** A path naming the namespace for {@code nsenter --net=}: this server's descriptor (readable by root). */
  String path() {
    if (closed) throw new IllegalStateException("the sandbox's network namespace was released");
    return "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      // already closed
    }
  }

  private static boolean register() {
    try {
      Native.register(LibC.class, NativeLibrary.getInstance("c"));
      return true;
    } catch (LinkageError | RuntimeException e) {
      log.info("libc is not reachable through JNA ({}); each sandbox exec gets a network of its own", e.toString());
      return false;
    }
  }
}
