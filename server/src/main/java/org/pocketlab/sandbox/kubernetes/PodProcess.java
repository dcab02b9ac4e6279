package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.util.WebSockets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.WebSocket;
import okio.ByteString;
import org.pocketlab.sandbox.ExecSpec.PtySize;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.ExitStatus.Reason;
import org.pocketlab.sandbox.SandboxException;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec in a sandbox pod, over the Kubernetes streaming protocol ({@code v5.channel.k8s.io}, or v4): binary
 * WebSocket frames whose first byte is the channel. 0 stdin, 1 stdout, 2 stderr (unused: the wrapper merges it
 * into stdout, see {@link ExecCommands}), 3 the exit status (a {@code v1.Status}), 4 terminal resize
 * ({@code {"Width":..,"Height":..}}), and in v5 {@code 255 <channel>} to close one direction (EOF on stdin).
 *
 * <p>The exit is known from channel 3, or, after a kill, from the kill exec having finished: that does not
 * wait for the output, which a paused consumer may hold back. A socket that closes without a status means the
 * connection or the pod went away: {@link Reason#SANDBOX_STOPPED}. Output nobody asks for within a minute of
 * the end is dropped.
 */
final class PodProcess implements SandboxProcess, WebSockets.SocketListener {

  private static final Logger log = LoggerFactory.getLogger(PodProcess.class);
  static final int STATUS = 3;
  static final int RESIZE = 4;
  static final long LINGER_MS = 60_000;
  private static final int SIGKILL = 9;
  private static final int SIGXFSZ = 25;

  private final Vertx vertx;
  private final SandboxId sandbox;
  private final String execId;
  private final boolean pty;
  private final int initialCols;
  private final int initialRows;
  private final Context context;
  private final PodOutput output;
  private final Function<PodProcess, Future<Void>> killer;
  private final Runnable onEnd;
  private final Supplier<Future<Boolean>> sandboxGone;
  private final Promise<SandboxProcess> opened = Promise.promise();
  private final Promise<ExitStatus> exit = Promise.promise();
  private final AtomicReference<Reason> killedFor = new AtomicReference<>();
  private final AtomicBoolean killRequested = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final long startNanos = System.nanoTime();
  private volatile WebSocket socket;
  private volatile PodInput input;
  private volatile long wallTimer = -1;

  /**
   * @param killer runs the kill exec for this process; completes when every process it started has gone
   * @param onEnd called once when the exit is known (the runtime forgets the process)
   * @param sandboxGone whether the sandbox's pod has died or gone (asked after an unexplained SIGKILL)
   */
  PodProcess(Vertx vertx, Context context, SandboxId sandbox, String execId, Optional<PtySize> pty,
      long outputLimit, Function<PodProcess, Future<Void>> killer, Runnable onEnd,
      Supplier<Future<Boolean>> sandboxGone) {
    this.vertx = vertx;
    this.context = context;
    this.sandbox = sandbox;
    this.execId = execId;
    this.pty = pty.isPresent();
    this.initialCols = pty.map(PtySize::cols).orElse(0);
    this.initialRows = pty.map(PtySize::rows).orElse(0);
    this.killer = killer;
    this.onEnd = onEnd;
    this.sandboxGone = sandboxGone;
    this.output = new PodOutput(vertx, outputLimit, () -> killFor(Reason.OUTPUT_LIMIT));
  }

  String execId() {
    return execId;
  }

  /** Completes on the caller's context once the socket is open, or fails with a {@link SandboxException}. */
  Future<SandboxProcess> opened() {
    return opened.future();
  }

  void wallTime(Duration limit) {
    wallTimer = vertx.setTimer(Math.max(1, limit.toMillis()), t -> killFor(Reason.TIMEOUT));
  }

  // ------------------------------------------------------------------------------------------ the socket

  @Override
  public void open(String protocol, WebSocket ws) {
    socket = ws;
    input = new PodInput(vertx, ws, "v5.channel.k8s.io".equals(protocol), !pty);
    if (pty) sendResize(initialCols, initialRows); // exec has no size parameter: kubectl does the same
    context.runOnContext(v -> opened.tryComplete(this));
  }

  @Override
  public void bytesMessage(InputStream in) {
    try {
      int channel = in.read();
      byte[] data = in.readAllBytes();
      frame(channel, data);
    } catch (IOException e) {
      log.debug("Unreadable exec frame: {}", e.toString()); // a ByteArrayInputStream: cannot happen
    }
  }

  @Override
  public void textMessage(Reader in) {
    try {
      int channel = in.read();
      StringBuilder rest = new StringBuilder();
      char[] buf = new char[4096];
      for (int n; (n = in.read(buf)) > 0; ) rest.append(buf, 0, n);
      frame(channel, rest.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.debug("Unreadable exec frame: {}", e.toString());
    }
  }

  private void frame(int channel, byte[] data) {
    switch (channel) {
      case 1, 2 -> {
        if (data.length > 0) output.offer(Buffer.buffer(data));
      }
      case STATUS -> finish(exitCode(new String(data, StandardCharsets.UTF_8)));
      default -> {
        // nothing else is sent to clients
      }
    }
  }

  @Override
  public void failure(Throwable t) {
    if (!opened.future().isComplete()) {
      SandboxException e = openFailure(t);
      context.runOnContext(v -> opened.tryFail(e));
    } else if (!ended.get()) {
      log.info("Exec connection to sandbox {} failed: {}", sandbox, t.toString());
    }
  }

  @Override
  public void close() {
    output.close();
    if (!opened.future().isComplete()) {
      context.runOnContext(v -> opened.tryFail(new SandboxException(SandboxException.Kind.UNAVAILABLE,
          "The connection to your sandbox closed before the command started. Please try again.")));
    }
    finish(null);
  }

  private SandboxException openFailure(Throwable t) {
    String m = String.valueOf(t.getMessage());
    if (m.contains("'404") || m.contains("'400") || m.contains("'409")) {
      return new SandboxException(SandboxException.Kind.NOT_RUNNING, "Your sandbox is not running.", t);
    }
    log.warn("Could not open an exec in sandbox {}: {}", sandbox, m);
    return new SandboxException(SandboxException.Kind.UNAVAILABLE, "Your sandbox cannot be reached right now. Please"
        + " try again in a moment; if it keeps failing, tell your instructor.", t);
  }

  /**
   * The exit code in a {@code v1.Status}: Success is 0, {@code NonZeroExitCode} carries it as the
   * {@code ExitCode} cause; anything else (the container was gone, say) is not a code: null.
   */
  static Integer exitCode(String statusJson) {
    try {
      JsonObject status = new JsonObject(statusJson);
      if ("Success".equals(status.getString("status"))) return 0;
      JsonObject details = status.getJsonObject("details");
      JsonArray causes = details == null ? null : details.getJsonArray("causes");
      if ("NonZeroExitCode".equals(status.getString("reason")) && causes != null) {
        for (int i = 0; i < causes.size(); i++) {
          JsonObject cause = causes.getJsonObject(i);
          if ("ExitCode".equals(cause.getString("reason"))) return Integer.valueOf(cause.getString("message"));
        }
      }
      log.info("An exec ended without an exit code: {}", status.getString("message"));
    } catch (DecodeException | ClassCastException | NumberFormatException e) {
      log.warn("Unreadable exec status: {}", statusJson);
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------- ending

  /**
   * Records how it ended (the first call wins); {@code code} null: no status, the connection went away. A
   * SIGKILL nobody here asked for is what a dying container does to its processes too (often before the pod's
   * status says so): then the pod is looked at before the reason is settled.
   */
  private void finish(Integer code) {
    if (!ended.compareAndSet(false, true)) return;
    if (wallTimer >= 0) vertx.cancelTimer(wallTimer);
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    PodInput in = input;
    if (in != null) in.refuse("The process has ended");
    boolean ambiguous = code != null && code == 128 + SIGKILL && killedFor.get() == null;
    Future<Boolean> sandboxEnded = ambiguous ? sandboxGone.get() : Future.succeededFuture(false);
    sandboxEnded.onComplete(ar -> {
      if (ar.succeeded() && ar.result()) killedFor.compareAndSet(null, Reason.SANDBOX_STOPPED);
      ExitStatus status = status(code, took);
      context.runOnContext(v -> exit.tryComplete(status));
    });
    vertx.setTimer(LINGER_MS, t -> {
      if (!output.ended()) {
        output.drop();
        cancelSocket();
      }
    });
    onEnd.run();
  }

  private ExitStatus status(Integer code, Duration took) {
    Reason reason = killedFor.get();
    int c = code == null ? 128 + SIGKILL : code;
    OptionalInt signal = c > 128 && c <= 128 + 64 ? OptionalInt.of(c - 128) : OptionalInt.empty();
    if (reason == null) {
      if (code == null) reason = Reason.SANDBOX_STOPPED;
      else if (signal.orElse(0) == SIGXFSZ) reason = Reason.FILE_SIZE_LIMIT;
      else if (signal.isPresent()) reason = Reason.SIGNALED;
      else reason = Reason.EXITED;
    }
    return new ExitStatus(c, signal, reason, took);
  }

  /** Kills the tree, remembering why (the first reason wins). Never blocks. */
  void killFor(Reason reason) {
    if (ended.get()) return;
    killedFor.compareAndSet(null, reason);
    if (!killRequested.compareAndSet(false, true)) return;
    killer.apply(this).onComplete(ar -> {
      if (ar.succeeded()) {
        finish(128 + SIGKILL);
      } else {
        log.warn("Could not kill an exec in sandbox {} ({}); closing its connection", sandbox, ar.cause().toString());
        cancelSocket();
      }
    });
  }

  /** The sandbox is being stopped: its processes end with it, whatever the socket says last. */
  void sandboxStopping() {
    killedFor.compareAndSet(null, Reason.SANDBOX_STOPPED);
  }

  /** The pod is gone (or the runtime closes): ends now, dropping output nobody has read. */
  void abandon() {
    killedFor.compareAndSet(null, Reason.SANDBOX_STOPPED);
    finish(null);
    output.drop();
    cancelSocket();
  }

  private void cancelSocket() {
    WebSocket ws = socket;
    if (ws != null) ws.cancel();
  }

  private void sendResize(int cols, int rows) {
    byte[] json = ("{\"Width\":" + cols + ",\"Height\":" + rows + "}").getBytes(StandardCharsets.US_ASCII);
    byte[] frame = new byte[json.length + 1];
    frame[0] = RESIZE;
    System.arraycopy(json, 0, frame, 1, json.length);
    socket.send(ByteString.of(frame));
  }

  // ------------------------------------------------------------------------------------- SandboxProcess

  @Override
  public SandboxId sandbox() {
    return sandbox;
  }

  @Override
  public boolean isPty() {
    return pty;
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
    if (!pty) return Future.failedFuture(new IllegalStateException("This process has no terminal to resize"));
    try {
      PtySize size = new PtySize(cols, rows); // checks the range
      if (!ended.get()) sendResize(size.cols(), size.rows());
      return Future.succeededFuture();
    } catch (IllegalArgumentException e) {
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
