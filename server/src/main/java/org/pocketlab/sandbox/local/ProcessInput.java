package org.pocketlab.sandbox.local;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A process's stdin (or terminal input) as a Vert.x {@link WriteStream}. Writes are queued and written by a
 * thread of this process's own, started on the first write (a process that does not read its input blocks
 * that thread, never a shared one); {@link #writeQueueFull()} and the drain handler give the writer
 * backpressure. Results and handlers run on the context of whoever wrote.
 */
final class ProcessInput implements WriteStream<Buffer> {

  private record Item(Buffer data, Promise<Void> done, Context context) {}

  private final Vertx vertx;
  private final OutputStream out;
  private final boolean closeOnEnd;
  private final String threadName;
  private final PtyMaster direct;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private long queuedBytes;
  private int maxQueued = 64 * 1024;
  private boolean ended;
  private String closedBecause;
  private boolean drainWanted;
  private Handler<Void> drainHandler;
  private Context drainContext;
  private Handler<Throwable> exceptionHandler;
  private Thread writer;

  /**
   * @param closeOnEnd true for a pipe: {@link #end()} closes it (EOF for the process), and so does the end of
   *     the process. False for a PTY, whose master is one descriptor for both directions: closing it here
   *     would cut the output still being read, so the output side alone closes it.
   * @param direct the PTY master, for single keystrokes written at once when nothing is queued; null for none
   */
  ProcessInput(Vertx vertx, OutputStream out, boolean closeOnEnd, String threadName, PtyMaster direct) {
    this.vertx = vertx;
    this.out = out;
    this.closeOnEnd = closeOnEnd;
    this.threadName = threadName;
    this.direct = direct;
  }

  /** The process has ended: fail what is queued, refuse further writes, let the writer thread go. */
  void processEnded() {
    List<Item> failed;
    lock.lock();
    try {
      if (closedBecause == null) closedBecause = "The process has ended";
      failed = new ArrayList<>(queue);
      queue.clear();
      queuedBytes = 0;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    for (Item item : failed) complete(item, new IOException(closedBecause));
    closeQuietly();
  }

  @Override
  public ProcessInput exceptionHandler(Handler<Throwable> handler) {
    lock.lock();
    try {
      exceptionHandler = handler;
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    return enqueue(data);
  }

  @Override
  public Future<Void> end() {
    return enqueue(null);
  }

  private Future<Void> enqueue(Buffer data) {
    Context context = currentContext();
    // Bound to the writer's context, so listeners run there; completed straight from the writer thread, so a
    // write nobody listens to (a keystroke) costs no extra task on the event loop.
    Promise<Void> promise = ((ContextInternal) context).promise();
    lock.lock();
    try {
      if (closedBecause != null || ended) {
        String why = closedBecause != null ? closedBecause : "The input was already ended";
        return Future.failedFuture(new IOException(why));
      }
      // A keystroke with nothing queued ahead of it goes straight in (it can't block: see PtyMaster), saving the
      // hand-over to the writer thread on every key typed. Anything else keeps its place in the queue.
      if (direct != null && data != null && data.length() == 1 && queue.isEmpty()
          && direct.tryWriteByte(data.getByte(0))) {
        promise.complete();
        return promise.future();
      }
      if (data == null) ended = true;
      queue.add(new Item(data, promise, context));
      if (data != null) queuedBytes += data.length();
      if (writer == null) {
        writer = new Thread(this::writeLoop, threadName);
        writer.setDaemon(true);
        writer.start();
      }
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    return promise.future();
  }

  private void writeLoop() {
    while (true) {
      Item item;
      lock.lock();
      try {
        while (queue.isEmpty() && closedBecause == null) wake.awaitUninterruptibly();
        if (queue.isEmpty()) return;
        item = queue.peek();
      } finally {
        lock.unlock();
      }
      try {
        if (item.data() == null) {
          if (closeOnEnd) out.close();
        } else {
          out.write(item.data().getBytes());
          out.flush();
        }
      } catch (IOException e) {
        fail(e);
        return;
      }
      Runnable drain = null;
      lock.lock();
      try {
        if (queue.peek() == item) queue.poll();
        if (item.data() != null) queuedBytes -= item.data().length();
        if (drainWanted && queuedBytes <= maxQueued / 2 && drainHandler != null) {
          drainWanted = false;
          Handler<Void> h = drainHandler;
          Context c = drainContext;
          drain = () -> c.runOnContext(v -> h.handle(null));
        }
      } finally {
        lock.unlock();
      }
      complete(item, null);
      if (drain != null) drain.run();
      if (item.data() == null) return;
    }
  }

  private void fail(IOException e) {
    List<Item> failed;
    Handler<Throwable> onError;
    lock.lock();
    try {
      if (closedBecause == null) closedBecause = "The process no longer reads its input";
      failed = new ArrayList<>(queue);
      queue.clear();
      queuedBytes = 0;
      onError = exceptionHandler;
    } finally {
      lock.unlock();
    }
    for (Item item : failed) complete(item, e);
    if (onError != null && !failed.isEmpty()) failed.get(0).context().runOnContext(v -> onError.handle(e));
    closeQuietly();
  }

  private static void complete(Item item, Throwable failure) {
    if (failure == null) item.done().tryComplete();
    else item.done().tryFail(failure);
  }

  private void closeQuietly() {
    if (!closeOnEnd) return;
    try {
      out.close();
    } catch (IOException | RuntimeException ignored) {
      // already gone
    }
  }

  private Context currentContext() {
    Context current = Vertx.currentContext();
    return current != null ? current : vertx.getOrCreateContext();
  }

  @Override
  public ProcessInput setWriteQueueMaxSize(int maxSize) {
    if (maxSize < 1) throw new IllegalArgumentException("Write queue size must be positive: " + maxSize);
    lock.lock();
    try {
      maxQueued = maxSize;
    } finally {
      lock.unlock();
    }
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    lock.lock();
    try {
      boolean full = queuedBytes >= maxQueued;
      if (full) drainWanted = true;
      return full;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ProcessInput drainHandler(Handler<Void> handler) {
    lock.lock();
    try {
      drainHandler = handler;
      drainContext = currentContext();
      if (handler != null && queuedBytes >= maxQueued) drainWanted = true;
    } finally {
      lock.unlock();
    }
    return this;
  }
}
