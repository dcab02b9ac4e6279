package org.pocketlab.sandbox.local;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's output read by a platform thread of its own: pipes, and PTYs where the event loop can't poll them
 * (see {@link EventLoopPtyOutput}). The thread reads only while the consumer has demand and fewer than
 * {@value #MAX_PENDING} chunks wait for delivery. Items are delivered on the context of whoever set the handler.
 */
final class ThreadedOutput implements ProcessOutput {

  private static final Logger log = LoggerFactory.getLogger(ThreadedOutput.class);
  /**
   * What a blocking read asks for: a PTY hands out at most its 4 KB line buffer per read, and pty4j allocates and
   * copies a scratch array of the requested length on every read, so asking for more only costs. Later reads ask
   * for exactly what is waiting.
   */
  static final int FIRST_READ = 4096;
  static final int MAX_PENDING = 4;

  private final Vertx vertx;
  private final InputStream in;
  private final IntSupplier ready;
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
   * @param ready bytes waiting to be read without blocking (0 when unknown)
   * @param limit bytes to forward at most; at the limit the chunk is cut, {@code onLimit} runs (it kills the
   *     process) and the stream ends
   */
  ThreadedOutput(Vertx vertx, InputStream in, IntSupplier ready, long limit, Runnable onLimit) {
    this.vertx = vertx;
    this.in = in;
    this.ready = ready;
    this.limit = limit;
    this.onLimit = onLimit;
  }

  /** Readiness of a pipe: {@link InputStream#available()} (FIONREAD underneath); 0 once it is closed. */
  static IntSupplier availableOn(InputStream in) {
    return () -> {
      try {
        return in.available();
      } catch (IOException e) {
        return 0;
      }
    };
  }

  @Override
  public void start(String threadName) {
    Thread reader = new Thread(this::readLoop, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public void processEnded() {
    lock.lock();
    try {
      processEndedAt = System.nanoTime();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void abandon() {
    lock.lock();
    try {
      abandoned = true;
      pending.clear();
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void readLoop() {
    byte[] buf = new byte[CHUNK];
    try {
      boolean endAfterThis = false;
      while (!endAfterThis && awaitDemand()) {
        int n = in.read(buf, 0, FIRST_READ);
        if (n < 0) break;
        if (n == 0) continue;
        // Take what is already waiting behind this read too (never waiting for more): under a flood that means
        // fewer, larger chunks, so fewer hand-overs to the event loop and fewer WebSocket frames.
        try {
          int waiting;
          while (n < buf.length && (waiting = ready.getAsInt()) > 0) {
            int more = in.read(buf, n, Math.min(waiting, buf.length - n));
            if (more < 0) {
              endAfterThis = true;
              break;
            }
            n += more;
          }
        } catch (IOException e) {
          endAfterThis = true; // deliver what was read, then end as the outer read would have
        }
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
          if (demand == Long.MAX_VALUE) {
            // Unbounded demand: hand over everything read so far as one item. Fewer, larger WebSocket frames
            // make a flood cheaper to forward; chunk boundaries mean nothing in a byte stream anyway.
            while (!pending.isEmpty()) next.appendBuffer(pending.poll());
          } else {
            demand--;
          }
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
  public ThreadedOutput exceptionHandler(Handler<Throwable> handler) {
    lock.lock();
    try {
      exceptionHandler = handler;
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public ThreadedOutput handler(Handler<Buffer> handler) {
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
  public ThreadedOutput pause() {
    lock.lock();
    try {
      demand = 0;
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public ThreadedOutput resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ThreadedOutput fetch(long amount) {
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
  public ThreadedOutput endHandler(Handler<Void> endHandler) {
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
