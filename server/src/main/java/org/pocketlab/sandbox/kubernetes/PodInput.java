package org.pocketlab.sandbox.kubernetes;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import okhttp3.WebSocket;
import okio.ByteString;

/**
 * An exec's stdin (channel 0) as a Vert.x {@link WriteStream}. Frames go to the socket's own send queue, whose
 * size is the backpressure: {@link #writeQueueFull()} above the limit, the drain handler once it has halved.
 * The socket offers no callback when its queue shrinks, so a waiting drain handler polls it every
 * {@value #DRAIN_POLL_MS} ms. Writes beyond {@value #HARD_LIMIT} queued bytes fail rather than let the client
 * tear the connection down (it does past 16 MiB).
 */
final class PodInput implements WriteStream<Buffer> {

  static final int STDIN = 0;
  static final int CLOSE = 255;
  private static final long HARD_LIMIT = 8L * 1024 * 1024;
  private static final int FRAME = 32 * 1024;
  private static final long DRAIN_POLL_MS = 10;

  private final Vertx vertx;
  private final WebSocket socket;
  private final boolean canClose;
  private final boolean closeOnEnd;
  private volatile int maxQueued = 64 * 1024;
  private volatile String refused;
  private Handler<Void> drainHandler;
  private Context drainContext;
  private long drainTimer = -1;

  /**
   * @param canClose the protocol (v5.channel.k8s.io) can close stdin alone
   * @param closeOnEnd pipes: {@link #end()} closes stdin (EOF); a PTY's input only stops
   */
  PodInput(Vertx vertx, WebSocket socket, boolean canClose, boolean closeOnEnd) {
    this.vertx = vertx;
    this.socket = socket;
    this.canClose = canClose;
    this.closeOnEnd = closeOnEnd;
  }

  /** From now on writes fail with this reason (the process ended). */
  void refuse(String reason) {
    refused = reason;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (refused != null) return Future.failedFuture(new IOException(refused));
    if (socket.queueSize() + data.length() > HARD_LIMIT) {
      return Future.failedFuture(new IOException("Input is arriving faster than the sandbox takes it"));
    }
    for (int at = 0; at < data.length(); at += FRAME) {
      int end = Math.min(data.length(), at + FRAME);
      byte[] frame = new byte[end - at + 1];
      frame[0] = STDIN;
      data.getBytes(at, end, frame, 1);
      if (!socket.send(ByteString.of(frame))) {
        return Future.failedFuture(new IOException("The connection to the sandbox is closed"));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    if (refused != null) return Future.failedFuture(new IOException(refused));
    refused = "The input was already ended";
    if (closeOnEnd && canClose && !socket.send(ByteString.of((byte) CLOSE, (byte) STDIN))) {
      return Future.failedFuture(new IOException("The connection to the sandbox is closed"));
    }
    return Future.succeededFuture();
  }

  @Override
  public PodInput exceptionHandler(Handler<Throwable> handler) {
    return this; // failures are reported by the futures of write() and end()
  }

  @Override
  public PodInput setWriteQueueMaxSize(int maxSize) {
    if (maxSize < 1) throw new IllegalArgumentException("Write queue size must be positive: " + maxSize);
    maxQueued = maxSize;
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    boolean full = socket.queueSize() >= maxQueued;
    if (full) watchForDrain();
    return full;
  }

  @Override
  public synchronized PodInput drainHandler(Handler<Void> handler) {
    drainHandler = handler;
    Context current = Vertx.currentContext();
    drainContext = current != null ? current : vertx.getOrCreateContext();
    if (handler != null && socket.queueSize() >= maxQueued) watchForDrain();
    return this;
  }

  private synchronized void watchForDrain() {
    if (drainTimer >= 0) return;
    drainTimer = vertx.setPeriodic(DRAIN_POLL_MS, t -> {
      Handler<Void> h;
      Context c;
      synchronized (this) {
        if (socket.queueSize() > maxQueued / 2 && refused == null) return;
        vertx.cancelTimer(t);
        drainTimer = -1;
        h = drainHandler;
        c = drainContext;
      }
      if (h != null) c.runOnContext(v -> h.handle(null));
    });
  }
}
