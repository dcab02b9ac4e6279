package org.pocketlab.sandbox.local;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.concurrent.TimeUnit;

/**
 * A local process's output as a Vert.x {@link ReadStream} with real backpressure: paused means not reading, so
 * the process blocks on its own pipe or terminal instead of filling server memory. Read by a thread of its own
 * ({@link ThreadedOutput}) or, for a PTY on Linux's epoll transport, by the event loop ({@link EventLoopPtyOutput}).
 *
 * <p>Demand follows Vert.x: {@code pause()} sets it to 0, {@code fetch(n)} adds n items, {@code resume()} makes it
 * unbounded; it starts unbounded, but nothing is read until a handler is set.
 */
interface ProcessOutput extends ReadStream<Buffer> {
  /** At most this much goes into one chunk: one read, plus whatever was already waiting behind it. */
  int CHUNK = 32 * 1024;
  /** After the process ended, leftover output waits this long for demand before it is dropped. */
  long LINGER_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Starts reading (once a handler is set); the name is for a reader thread, where there is one. */
  void start(String name);

  /** The process has ended: the output already written is still delivered, then the stream ends. */
  void processEnded();

  /** Drops whatever is buffered and ends the stream (the process must be dead). */
  void abandon();
}
