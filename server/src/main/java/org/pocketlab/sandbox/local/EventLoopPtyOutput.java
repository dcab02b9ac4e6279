package org.pocketlab.sandbox.local;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PTY's output read by the event loop itself: the master is registered with the loop's epoll, as a socket is,
 * so an echo goes from the terminal to the WebSocket on one thread, with no reader thread to wake and no hand-over
 * between threads. That is how terminado works too, and on two shared cores each avoided wake-up is a chance less
 * to wait for the CPU. Used when Vert.x runs on Netty's epoll transport (Linux); {@link ThreadedOutput} otherwise.
 *
 * <p>Reads never block ({@link PtyMaster#readNow}) and take at most {@link #CHUNK} per readiness, so one busy
 * terminal can't starve the loop's sockets. Readiness is level-triggered: while paused, the master is simply not
 * watched for input, and the process blocks on its full terminal.
 *
 * <p>All state lives on the loop's thread; calls from elsewhere are moved there. Items go to the context that set
 * the handler: straight from the read when that context is on this loop (the usual case, since the shell is
 * opened from the socket's context), else one chunk at a time through that context.
 */
final class EventLoopPtyOutput implements ProcessOutput, EpollIoHandle {

  private static final Logger log = LoggerFactory.getLogger(EventLoopPtyOutput.class);
  private static final int EPOLLHUP = 0x10; // Linux's number; Netty names no constant for it
  private static final int HANG_UP_OR_ERROR = EPOLLHUP | EpollIoOps.EPOLLERR.value() | EpollIoOps.EPOLLRDHUP.value();

  private final IoEventLoop loop;
  private final ContextInternal defaultContext;
  private final PtyMaster master;
  private final FileDescriptor fd;
  private final Closeable closeMaster;
  private final long limit;
  private final Runnable onLimit;
  private final byte[] buffer = new byte[CHUNK];

  // Only on the loop's thread:
  private IoRegistration registration;
  private boolean started;
  private boolean watching;
  private boolean ended;
  private boolean endDelivered;
  private boolean deliveryInFlight;
  private long demand = Long.MAX_VALUE;
  private long total;
  private Handler<Buffer> handler;
  private ContextInternal handlerContext;
  private Handler<Void> endHandler;
  private ContextInternal endContext;
  private Handler<Throwable> exceptionHandler;
  private long processEndedAt = -1;
  private boolean readSinceLastLook;

  /** Whether processes started from this context can have their terminal read on its event loop. */
  static boolean supports(Context context) {
    return ((ContextInternal) context).nettyEventLoop() instanceof IoEventLoop loop
        && loop.isCompatible(EpollIoHandle.class);
  }

  /**
   * @param context the exec caller's context: its event loop reads, and items go there unless a handler is set
   *     from another context
   * @param closeMaster closes the master (pty4j's stream); called once, after the last read
   * @param limit bytes to forward at most; at the limit the chunk is cut, {@code onLimit} runs (it kills the
   *     process) and the stream ends
   */
  EventLoopPtyOutput(Context context, PtyMaster master, Closeable closeMaster, long limit, Runnable onLimit) {
    this.defaultContext = (ContextInternal) context;
    this.loop = (IoEventLoop) defaultContext.nettyEventLoop();
    this.master = master;
    this.fd = new FileDescriptor(master.fd());
    this.closeMaster = closeMaster;
    this.limit = limit;
    this.onLimit = onLimit;
  }

  // ------------------------------------------------------------------------------------------ the process side

  @Override
  public void start(String name) {
    onLoop(() -> {
      if (started || ended) return;
      started = true;
      loop.register(this).addListener(f -> onLoop(() -> {
        if (!f.isSuccess()) {
          log.warn("Could not watch a terminal on the event loop", f.cause());
          fail(f.cause());
          return;
        }
        registration = (IoRegistration) f.getNow();
        if (ended) registration.cancel();
        else watchIfWanted();
      }));
    });
  }

  /** Idempotent: the runtime says so as soon as the process is gone, and again once it has been accounted for. */
  @Override
  public void processEnded() {
    onLoop(() -> {
      if (processEndedAt >= 0 || ended) return;
      processEndedAt = System.nanoTime();
      lookForTheEndLater();
    });
  }

  @Override
  public void abandon() {
    onLoop(this::finish);
  }

  // ------------------------------------------------------------------------------------------- the loop's side

  @Override
  public FileDescriptor fd() {
    return fd;
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    try {
      readyToRead(((EpollIoEvent) event).ops().value());
    } catch (RuntimeException e) {
      // Never left to the loop: still watching, a level-triggered descriptor would report the same again and again.
      log.warn("Reading a terminal failed; it is closed", e);
      fail(e);
    }
  }

  private void readyToRead(int ops) {
    if (ended) return;
    if (!watching) {
      // Not watching input, yet woken: a hang-up or error, which epoll reports regardless. Reporting it again and
      // again would spin the loop, so the terminal is given up (this JVM keeps the slave open, so it is rare).
      if ((ops & HANG_UP_OR_ERROR) != 0) finish();
      return;
    }
    int n = master.readNow(buffer);
    if (n == 0) return;
    if (n < 0) {
      finish(); // the terminal is gone (EIO)
      return;
    }
    readSinceLastLook = true;
    int keep = (int) Math.min(n, limit - total);
    total += keep;
    if (keep > 0) deliver(Buffer.buffer(Arrays.copyOf(buffer, keep)));
    if (keep < n) {
      onLimit.run();
      finish();
    }
  }

  /** The loop is shutting down (Vert.x is closing). */
  @Override
  public void close() {
    onLoop(this::finish);
  }

  private void deliver(Buffer chunk) {
    if (demand != Long.MAX_VALUE) demand--;
    Handler<Buffer> h = handler;
    ContextInternal to = handlerContext;
    if (onThisLoop(to)) {
      to.emit(chunk, c -> guarded(h, c));
    } else {
      deliveryInFlight = true; // one at a time, so a slow context holds the process back, not server memory
      to.runOnContext(v -> {
        guarded(h, chunk);
        onLoop(() -> {
          deliveryInFlight = false;
          watchIfWanted();
        });
      });
    }
    watchIfWanted(); // the handler may have paused, or demand may be used up
  }

  private <T> void guarded(Handler<T> h, T item) {
    try {
      h.handle(item);
    } catch (RuntimeException e) {
      Handler<Throwable> onError = exceptionHandler;
      if (onError != null) onError.handle(e);
      else log.warn("A terminal output handler failed", e);
    }
  }

  /** Watches the master for input exactly while there is someone to deliver to. */
  private void watchIfWanted() {
    boolean want = registration != null && !ended && handler != null && demand > 0 && !deliveryInFlight;
    if (want == watching) return;
    try {
      registration.submit(want ? EpollIoOps.EPOLLIN : EpollIoOps.EPOLLERR);
      watching = want;
    } catch (Exception e) {
      fail(e);
    }
  }

  /**
   * After the process's end, output can still be on its way (the kernel hands it to the master asynchronously):
   * the stream ends once nothing came for {@value PtyMaster#LAST_OUTPUT_WAIT_MS} ms. Output a paused consumer has
   * not taken waits up to {@link #LINGER_NANOS} for demand.
   */
  private void lookForTheEndLater() {
    readSinceLastLook = false;
    loop.schedule(() -> {
      if (ended) return;
      boolean waiting = master.readyBytes() > 0;
      boolean lingering = !watching && waiting && System.nanoTime() - processEndedAt < LINGER_NANOS;
      if (readSinceLastLook || (watching && waiting) || lingering) lookForTheEndLater();
      else finish();
    }, PtyMaster.LAST_OUTPUT_WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private void fail(Throwable cause) {
    Handler<Throwable> onError = exceptionHandler;
    if (onError != null) onError.handle(cause);
    finish();
  }

  private void finish() {
    if (ended) return;
    ended = true;
    watching = false;
    if (registration != null) registration.cancel(); // before the close, so epoll never sees a reused number
    try {
      closeMaster.close();
    } catch (IOException | RuntimeException e) {
      log.debug("Closing a terminal failed", e);
    }
    deliverEnd();
  }

  private void deliverEnd() {
    if (!ended || endDelivered || endHandler == null) return;
    endDelivered = true;
    Handler<Void> h = endHandler;
    if (onThisLoop(endContext)) endContext.emit(null, v -> guarded(h, null));
    else endContext.runOnContext(v -> guarded(h, null));
  }

  private boolean onThisLoop(ContextInternal context) {
    return context.isEventLoopContext() && context.nettyEventLoop() == loop && loop.inEventLoop();
  }

  private void onLoop(Runnable work) {
    if (loop.inEventLoop()) {
      work.run();
      return;
    }
    try {
      loop.execute(work);
    } catch (RejectedExecutionException e) {
      log.debug("The event loop has shut down; a terminal call is dropped");
    }
  }

  private ContextInternal callerContext() {
    Context current = Vertx.currentContext();
    return current != null ? (ContextInternal) current : defaultContext;
  }

  // ------------------------------------------------------------------------------------------ ReadStream

  @Override
  public EventLoopPtyOutput exceptionHandler(Handler<Throwable> handler) {
    onLoop(() -> exceptionHandler = handler);
    return this;
  }

  @Override
  public EventLoopPtyOutput handler(Handler<Buffer> handler) {
    ContextInternal context = callerContext();
    onLoop(() -> {
      this.handler = handler;
      handlerContext = context;
      watchIfWanted();
    });
    return this;
  }

  @Override
  public EventLoopPtyOutput pause() {
    onLoop(() -> {
      demand = 0;
      watchIfWanted();
    });
    return this;
  }

  @Override
  public EventLoopPtyOutput resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public EventLoopPtyOutput fetch(long amount) {
    if (amount < 0) throw new IllegalArgumentException("Negative fetch: " + amount);
    onLoop(() -> {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
      watchIfWanted();
    });
    return this;
  }

  @Override
  public EventLoopPtyOutput endHandler(Handler<Void> endHandler) {
    ContextInternal context = callerContext();
    onLoop(() -> {
      this.endHandler = endHandler;
      endContext = context;
      deliverEnd();
    });
    return this;
  }
}
