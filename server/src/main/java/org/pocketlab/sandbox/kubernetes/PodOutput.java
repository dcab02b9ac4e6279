package org.pocketlab.sandbox.kubernetes;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output frames of one exec WebSocket as a Vert.x {@link ReadStream}. Frames are pushed by the socket's
 * reader thread ({@link #offer}); once {@value #READ_AHEAD} frames wait for the consumer, that thread waits
 * too, so the socket is not read, TCP's window closes and, hop by hop (API server, kubelet, the container's
 * pipe or terminal), the process blocks on its own output instead of filling anyone's memory.
 *
 * <p>Demand as in Vert.x: {@code pause()} = 0, {@code fetch(n)} adds n items, {@code resume()} unbounded; items
 * and the end arrive on the context that set the handler. With unbounded demand, everything waiting is handed
 * over as one buffer (fewer, larger WebSocket frames towards the browser). State is guarded by this object's
 * monitor; handlers are called outside it.
 */
final class PodOutput implements ReadStream<Buffer> {

  private static final Logger log = LoggerFactory.getLogger(PodOutput.class);
  static final int READ_AHEAD = 4;

  private final Vertx vertx;
  private final long limit;
  private final Runnable onLimit;
  private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();
  private long demand = Long.MAX_VALUE;
  private long forwarded;
  private boolean closed;
  private boolean endDelivered;
  private boolean deliveryQueued;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private Context context;

  /** @param limit bytes forwarded at most; the frame that crosses it is cut, then {@code onLimit} runs */
  PodOutput(Vertx vertx, long limit, Runnable onLimit) {
    this.vertx = vertx;
    this.limit = limit;
    this.onLimit = onLimit;
  }

  /**
   * From the socket's reader thread: queues a frame, first waiting while the consumer is behind. False when
   * the frame was dropped because the stream has ended (its limit reached, or given up).
   */
  boolean offer(Buffer frame) {
    boolean hitLimit;
    synchronized (this) {
      while (!closed && waiting.size() >= READ_AHEAD) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      if (closed) return false;
      long keep = Math.min(frame.length(), limit - forwarded);
      if (keep > 0) waiting.add(keep == frame.length() ? frame : frame.getBuffer(0, (int) keep));
      forwarded += keep;
      hitLimit = forwarded >= limit;
      closed = hitLimit;
      queueDelivery();
    }
    if (hitLimit) onLimit.run();
    return true;
  }

  /** No more frames will come (the socket closed): the end follows what is waiting. */
  synchronized void close() {
    closed = true;
    notifyAll();
    queueDelivery();
  }

  /** Drops what waits and ends the stream (nobody asked for it in time, or the runtime shuts down). */
  synchronized void drop() {
    if (endDelivered) return;
    closed = true;
    waiting.clear();
    notifyAll();
    queueDelivery();
  }

  synchronized boolean ended() {
    return endDelivered;
  }

  /** With the monitor held. */
  private void queueDelivery() {
    if (deliveryQueued || context == null) return;
    deliveryQueued = true;
    context.runOnContext(v -> deliver());
  }

  private void deliver() {
    while (true) {
      Buffer item = null;
      Handler<Buffer> onItem;
      Handler<Void> onEnd = null;
      synchronized (this) {
        onItem = handler;
        if (onItem != null && demand > 0 && !waiting.isEmpty()) {
          item = waiting.poll();
          if (demand == Long.MAX_VALUE) {
            while (!waiting.isEmpty()) item = item.appendBuffer(waiting.poll());
          } else {
            demand--;
          }
          notifyAll();
        } else {
          deliveryQueued = false;
          if (closed && waiting.isEmpty() && !endDelivered) {
            endDelivered = true;
            onEnd = endHandler;
          }
        }
      }
      if (item == null) {
        if (onEnd != null) call(onEnd, null);
        return;
      }
      call(onItem, item);
    }
  }

  private <T> void call(Handler<T> h, T value) {
    try {
      h.handle(value);
    } catch (RuntimeException e) {
      Handler<Throwable> onError;
      synchronized (this) {
        onError = exceptionHandler;
      }
      if (onError != null) onError.handle(e);
      else log.warn("A sandbox output handler failed", e);
    }
  }

  /** Items and the end go to the context of whoever sets a handler (the item handler's wins). */
  private void bindContext(boolean rebind) {
    if (context == null || rebind) {
      Context current = Vertx.currentContext();
      context = current != null ? current : vertx.getOrCreateContext();
    }
    queueDelivery();
  }

  @Override
  public synchronized PodOutput exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public synchronized PodOutput handler(Handler<Buffer> h) {
    handler = h;
    if (h != null) bindContext(true);
    return this;
  }

  @Override
  public synchronized PodOutput endHandler(Handler<Void> h) {
    endHandler = h;
    if (h != null) bindContext(false);
    return this;
  }

  @Override
  public synchronized PodOutput pause() {
    demand = 0;
    return this;
  }

  @Override
  public PodOutput resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public synchronized PodOutput fetch(long amount) {
    if (amount < 0) throw new IllegalArgumentException("Negative fetch: " + amount);
    demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
    queueDelivery();
    return this;
  }
}
