package org.pocketlab.terminal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxProcess;

/**
 * One learner's shell in one sandbox, shared by every tab they have open. Output goes to the scrollback
 * and to every attached socket. Flow control: while any socket's write queue is full, the shell's output
 * is paused, so the process blocks on its own terminal instead of the server buffering a flood; a dead
 * socket is cut off by its heartbeat and stops holding the others back.
 *
 * <p>All state is touched on the shell's own Vert.x context; callers from other contexts are moved there.
 */
final class SharedShell {
  static final int SCROLLBACK_BYTES = 256 * 1024;

  private final SandboxId id;
  private final SandboxProcess process;
  private final Context context;
  private final Scrollback scrollback = new Scrollback(SCROLLBACK_BYTES);
  private final Set<ServerWebSocket> sockets = new LinkedHashSet<>();
  private final Set<ServerWebSocket> congested = new HashSet<>();
  private volatile boolean ended;

  SharedShell(SandboxId id, SandboxProcess process, Context context, Runnable onEnd) {
    this.id = id;
    this.process = process;
    this.context = context;
    process.output().handler(this::broadcast);
    process.output().endHandler(v -> {
      ended = true;
      JsonObject exited = new JsonObject().put("type", "status").put("state", "exited")
          .put("note", "The shell ended. Press any key to start a new one.");
      for (ServerWebSocket ws : sockets) ws.writeTextMessage(exited.encode());
      sockets.clear();
      congested.clear();
      onEnd.run();
    });
  }

  SandboxId id() {
    return id;
  }

  boolean ended() {
    return ended;
  }

  /** Repaints the new socket's screen from the scrollback, then streams live output to it too. */
  Future<Void> attach(ServerWebSocket ws) {
    return onContext(() -> {
      if (ended) throw new IllegalStateException("the shell has ended");
      // The drain handler goes in before the first write: Vert.x fires it once, as the queue empties, and a
      // handler set only after seeing the queue full can miss that moment and leave the shell paused for good.
      ws.drainHandler(v -> context.runOnContext(x -> {
        if (congested.remove(ws)) resumeIfClear();
      }));
      Buffer screen = scrollback.snapshot();
      if (screen.length() > 0) ws.writeBinaryMessage(screen);
      sockets.add(ws);
      return null;
    });
  }

  void detach(ServerWebSocket ws) {
    context.runOnContext(v -> {
      sockets.remove(ws);
      if (congested.remove(ws)) resumeIfClear();
    });
  }

  /** Straight to the process's input queue, which is thread-safe: a keystroke skips a hop to the shell's context. */
  void input(Buffer keys) {
    if (!ended) process.input().write(keys);
  }

  /**
   * Straight to the process (one ioctl, or one frame to the pod), as keystrokes go: a resize then reaches the
   * terminal before the keys typed after it, where a hop to the shell's context let them overtake it.
   */
  void resize(int cols, int rows) {
    if (!ended) process.resize(cols, rows);
  }

  void kill() {
    process.kill();
  }

  private void broadcast(Buffer chunk) {
    scrollback.append(chunk);
    for (ServerWebSocket ws : sockets) {
      ws.writeBinaryMessage(chunk);
      if (ws.writeQueueFull() && congested.add(ws)) process.output().pause();
    }
  }

  private void resumeIfClear() {
    if (congested.isEmpty() && !ended) process.output().resume();
  }

  private <T> Future<T> onContext(java.util.concurrent.Callable<T> work) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(work.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
