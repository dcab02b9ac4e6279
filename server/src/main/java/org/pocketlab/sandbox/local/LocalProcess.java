package org.pocketlab.sandbox.local;

import com.pty4j.PtyProcess;
import com.pty4j.WinSize;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.pocketlab.sandbox.ExecSpec.PtySize;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.ExitStatus.Reason;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxProcess;

/**
 * One bubblewrap invocation (and everything it started, all inside its own pid namespace) as a
 * {@link SandboxProcess}. Killing it means SIGKILL to the outer bwrap: its init inside the namespace dies with
 * it (--die-with-parent), and the kernel then kills every process left in that namespace.
 */
final class LocalProcess implements SandboxProcess {

  private static final int SIGKILL = 9;
  private static final int SIGXFSZ = 25;

  private final SandboxId sandbox;
  private final Process process;
  private final ProcessOutput output;
  private final ProcessInput input;
  private final Context context;
  private final long startNanos = System.nanoTime();
  private final long oomKillsAtStart;
  private final AtomicReference<Reason> killedFor = new AtomicReference<>();
  /** Completes (on the process reaper) as soon as the OS process is gone; what stop() waits for. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final Promise<ExitStatus> exit = Promise.promise();
  private volatile long wallTimer = -1;
  private volatile long endNanos;

  LocalProcess(SandboxId sandbox, Process process, ProcessOutput output, ProcessInput input, Context context,
      long oomKillsAtStart) {
    this.sandbox = sandbox;
    this.process = process;
    this.output = output;
    this.input = input;
    this.context = context;
    this.oomKillsAtStart = oomKillsAtStart;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long oomKillsAtStart() {
    return oomKillsAtStart;
  }

  void wallTimer(long timerId) {
    this.wallTimer = timerId;
  }

  long wallTimer() {
    return wallTimer;
  }

  /** The OS process is gone (called on the reaper thread, so it must stay cheap). */
  void markEnded() {
    endNanos = System.nanoTime();
    ended.complete(null);
  }

  /** Kills the tree, remembering why (the first reason wins). Never blocks. */
  void killFor(Reason reason) {
    if (ended.isDone()) return;
    killedFor.compareAndSet(null, reason);
    // Not Process.destroyForcibly(): for JDK processes that also closes the pipes, losing the output that
    // was written but not yet read. A plain SIGKILL leaves it readable (the JDK keeps it after the exit).
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * Called once the process is gone: works out why and completes {@link #exit()} on the exec caller's context.
   * {@code oomKillsNow} is the sandbox's OOM kill count now (-1 if unknown).
   */
  ExitStatus finish(long oomKillsNow) {
    int code;
    try {
      code = process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = 128 + SIGKILL;
    }
    Duration took = Duration.ofNanos((endNanos != 0 ? endNanos : System.nanoTime()) - startNanos);
    OptionalInt signal = code > 128 && code <= 128 + 64 ? OptionalInt.of(code - 128) : OptionalInt.empty();
    Reason reason = killedFor.get();
    if (reason == null) {
      if (signal.orElse(0) == SIGKILL && oomKillsNow > oomKillsAtStart && oomKillsAtStart >= 0) {
        reason = Reason.OUT_OF_MEMORY;
      } else if (signal.orElse(0) == SIGXFSZ) {
        reason = Reason.FILE_SIZE_LIMIT;
      } else if (signal.isPresent()) {
        reason = Reason.SIGNALED;
      } else {
        reason = Reason.EXITED;
      }
    }
    ExitStatus status = new ExitStatus(code, signal, reason, took);
    output.processEnded();
    input.processEnded();
    context.runOnContext(v -> exit.tryComplete(status));
    return status;
  }

  /** Drops buffered output at once (runtime shutdown). */
  void abandonOutput() {
    output.abandon();
  }

  Process process() {
    return process;
  }

  @Override
  public SandboxId sandbox() {
    return sandbox;
  }

  @Override
  public boolean isPty() {
    return process instanceof PtyProcess;
  }

  @Override
  public ReadStream<Buffer> output() {
    return output;
  }

  @Override
  public WriteStream<Buffer> input() {
    return input;
  }

  @Override
  public Future<Void> resize(int cols, int rows) {
    if (!(process instanceof PtyProcess pty)) {
      return Future.failedFuture(new IllegalStateException("This process has no terminal to resize"));
    }
    try {
      PtySize size = new PtySize(cols, rows); // checks the range
      if (process.isAlive()) pty.setWinSize(new WinSize(size.cols(), size.rows())); // one ioctl: does not block
      return Future.succeededFuture();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Void> kill() {
    killFor(Reason.KILLED);
    return exit.future().mapEmpty();
  }

  @Override
  public Future<ExitStatus> exit() {
    return exit.future();
  }
}
