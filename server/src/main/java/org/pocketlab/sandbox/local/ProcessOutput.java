package org.pocketlab.sandbox.local;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's output as a Vert.x {@link ReadStream} with real backpressure: one platform thread per process
 * reads the pipe or PTY, but only while the consumer has demand and at most {@value #MAX_PENDING} chunks
 * wait for delivery. Paused means not reading, so the process blocks on its own pipe or terminal instead of
 * filling server memory. Items are delivered on the context of whoever set the handler.
 *
 * <p>Demand follows Vert.x: {@code pause()} sets it to 0, {@code fetch(n)} adds n items, {@code resume()}
 * makes it unbounded; it starts unbounded, but nothing is read until a handler is set.
 */
final class ProcessOutput implements ReadStream<Buffer> {

  private static final Logger log = LoggerFactory.getLogger(ProcessOutput.class);
  static final int CHUNK = 8192;
  static final int MAX_PENDING = 4;
  /** After the process ended, leftover output waits this long for demand before it is dropped. */
  static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Vertx vertx;
  private final InputStream in;
  private final long limit;
  private final Runnable onLimit;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private long demand = Long.MAX_VALUE;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private Context context;
  private boolean eof;
  private boolean endSent;
  private boolean drainScheduled;
  private boolean abandoned;
  private long processEndedAt = -1;
  private long total;

  /**
   * @param limit bytes to forward at most; at the limit the chunk is cut, {@code onLimit} runs (it kills the
   *     process) and the stream ends
   */
  ProcessOutput(Vertx vertx, InputStream in, long limit, Runnable onLimit) {
    this.vertx = vertx;
    this.in = in;
    this.limit = limit;
    this.onLimit = onLimit;
  }

  void start(String threadName) {
    Thread reader = new Thread(this::readLoop, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  /** The process has ended: from now on, leftover output waits at most {@link #LINGER_NANOS} for demand. */
  void processEnded() {
    lock.lock();
    try {
      processEndedAt = System.nanoTime();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops whatever is buffered and ends the stream (the process must be dead, or its pipe is left alone). */
  void abandon() {
    lock.lock();
    try {
      abandoned = true;
      pending.clear();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long bytesForwarded() {
    lock.lock();
    try {
      return total;
    } finally {
      lock.unlock();
    }
  }

  private void readLoop() {
    byte[] buf = new byte[CHUNK];
    try {
      while (awaitDemand()) {
        int n = in.read(buf);
        if (n < 0) break;
        if (n == 0) continue;
        int keep = n;
        boolean atLimit = false;
        lock.lock();
        try {
          if (total + n > limit) {
            keep = (int) (limit - total);
            atLimit = true;
          }
          total += keep;
          if (keep > 0) pending.add(Buffer.buffer(Arrays.copyOf(buf, keep)));
          scheduleDrain();
        } finally {
          lock.unlock();
        }
        if (atLimit) {
          onLimit.run();
          break;
        }
      }
    } catch (IOException e) {
      // A PTY reports EIO once the last process holding it has gone: that is its end of file.
      log.debug("Output of a sandbox process ended with {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Reading a sandbox process's output failed", e);
    } finally {
      try {
        in.close();
      } catch (IOException | RuntimeException ignored) {
        // nothing left to do with it
      }
      lock.lock();
      try {
        eof = true;
        if (abandoned) pending.clear();
        scheduleDrain();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Blocks until the consumer wants more than is queued; false when the stream was given up. */
  private boolean awaitDemand() throws InterruptedException {
    lock.lock();
    try {
      while (!abandoned && !(handler != null && pending.size() < Math.min(demand, MAX_PENDING))) {
        if (processEndedAt >= 0) {
          long left = processEndedAt + LINGER_NANOS - System.nanoTime();
          if (left <= 0) {
            abandoned = true;
            pending.clear();
            break;
          }
          wake.awaitNanos(left);
        } else {
          wake.await();
        }
      }
      return !abandoned;
    } finally {
      lock.unlock();
    }
  }

  /** Called with the lock held. */
  private void scheduleDrain() {
    if (drainScheduled || context == null) return;
    drainScheduled = true;
    context.runOnContext(v -> drain());
  }

  private void drain() {
    while (true) {
      Buffer next = null;
      Handler<Buffer> h = null;
      Handler<Void> end = null;
      lock.lock();
      try {
        if (demand > 0 && handler != null && !pending.isEmpty()) {
          next = pending.poll();
          if (demand != Long.MAX_VALUE) demand--;
          h = handler;
          wake.signalAll();
        } else {
          drainScheduled = false;
          if (eof && pending.isEmpty() && !endSent) {
            endSent = true;
            end = endHandler;
          }
        }
      } finally {
        lock.unlock();
      }
      if (next != null) {
        deliver(h, next);
        continue;
      }
      if (end != null) deliver(end, null);
      return;
    }
  }

  private <T> void deliver(Handler<T> h, T item) {
    try {
      h.handle(item);
    } catch (RuntimeException e) {
      Handler<Throwable> onError;
      lock.lock();
      try {
        onError = exceptionHandler;
      } finally {
        lock.unlock();
      }
      if (onError != null) onError.handle(e);
      else log.warn("A sandbox output handler failed", e);
    }
  }

  @Override
  public ProcessOutput exceptionHandler(Handler<Throwable> handler) {
    lock.lock();
    try {
      exceptionHandler = handler;
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public ProcessOutput handler(Handler<Buffer> handler) {
    lock.lock();
    try {
      this.handler = handler;
      if (handler != null) {
        Context current = Vertx.currentContext();
        context = current != null ? current : vertx.getOrCreateContext();
        scheduleDrain();
      }
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public ProcessOutput pause() {
    lock.lock();
    try {
      demand = 0;
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public ProcessOutput resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ProcessOutput fetch(long amount) {
    if (amount < 0) throw new IllegalArgumentException("Negative fetch: " + amount);
    lock.lock();
    try {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
      wake.signalAll();
      scheduleDrain();
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public ProcessOutput endHandler(Handler<Void> endHandler) {
    lock.lock();
    try {
      this.endHandler = endHandler;
      if (context == null && endHandler != null) {
        Context current = Vertx.currentContext();
        context = current != null ? current : vertx.getOrCreateContext();
      }
      if (eof && pending.isEmpty() && !endSent) scheduleDrain();
    } finally {
      lock.unlock();
    }
    return this;
  }
}
