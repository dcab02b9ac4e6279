package org.pocketlab.terminal;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.StartProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /courses/{course}/terminal}: upgrades to a WebSocket attached to the signed-in learner's own
 * shell for that course. There is no way to name someone else's sandbox: the owner is the session's
 * person. The upgrade needs a session and an {@code Origin} of this site (browsers send it on every
 * WebSocket; a cross-site page could otherwise ride the learner's cookie).
 *
 * <p>Protocol. Server to browser: binary frames are terminal output; text frames are JSON status,
 * {@code {"type":"status","state":"starting|ready|exited|error","note":…}}. Browser to server: binary frames
 * are keystrokes; text frames are JSON, {@code {"type":"resize","cols":…,"rows":…}}. Anything else, or a
 * message over {@link #MAX_MESSAGE} bytes, closes the socket with a reason (1008 or 1009).
 */
public final class TerminalSocket {
  public static final int MAX_MESSAGE = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(TerminalSocket.class);
  private static final long PING_EVERY_MS = 20_000;
  private static final long DEAD_AFTER_MS = 50_000;
  private static final short POLICY = 1008;
  /** Not to be reconnected: the page says so and waits for a new sign-in. */
  private static final short SIGNED_OUT = 4001;

  private final Terminals terminals;
  private final CourseCatalog catalog;
  private final String publicOrigin;

  public TerminalSocket(Terminals terminals, CourseCatalog catalog, String publicOrigin) {
    this.terminals = terminals;
    this.catalog = catalog;
    this.publicOrigin = publicOrigin;
  }

  public void handle(RoutingContext ctx) {
    Optional<Person> person = Authentication.person(ctx);
    String course = ctx.pathParam("course");
    if (person.isEmpty()) {
      refuse(ctx, 401, "sign in to use the terminal");
    } else if (!publicOrigin.equals(ctx.request().getHeader("Origin"))) {
      refuse(ctx, 403, "cross-site terminal connections are not allowed");
    } else if (catalog.course(course).isEmpty()) {
      refuse(ctx, 404, "no such course");
    } else if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      refuse(ctx, 400, "this address speaks WebSocket only");
    } else {
      SandboxId id = new SandboxId(person.get().id().toString(), course);
      int cols = size(ctx.request().getParam("cols"), 100);
      int rows = size(ctx.request().getParam("rows"), 30);
      SignIn signIn = new SignIn(Authentication.signInCheck(ctx), Authentication.recheckEvery(ctx));
      ctx.request().toWebSocket().onSuccess(ws -> connect(ws, id, cols, rows, signIn));
    }
  }

  /** The connection's sign-in, re-read every so often: a sign-out elsewhere closes the terminal. */
  private record SignIn(Supplier<Future<Boolean>> holds, Duration every) {}

  private void connect(ServerWebSocket ws, SandboxId id, int cols, int rows, SignIn signIn) {
    status(ws, "starting", "Starting your sandbox…");
    Connection connection = new Connection(ws, id, signIn);
    // While the sandbox starts, each step it takes is shown ("Copying the starter project…", "Pulling…").
    MessageConsumer<JsonObject> progress = io.vertx.core.Vertx.currentContext().owner().eventBus()
        .consumer(StartProgress.address(id), m -> {
          String stage = m.body().getString("stage");
          if (connection.shell == null && !ws.isClosed() && StartProgress.isUnderway(stage)) {
            status(ws, "starting", m.body().getString("message"));
          }
        });
    terminals.open(id, cols, rows).onComplete(opened -> {
      progress.unregister(); // open always ends (a start has a timeout), closed socket or not
      if (ws.isClosed()) return;
      if (opened.failed()) {
        log.warn("terminal for {} could not start: {}", id, opened.cause().getMessage());
        status(ws, "error", "Your sandbox could not be started: " + opened.cause().getMessage());
        ws.close((short) 1011, "sandbox unavailable");
        return;
      }
      SharedShell shell = opened.result().shell();
      shell.attach(ws).onSuccess(v -> {
        connection.shell = shell;
        shell.resize(cols, rows);
        status(ws, "ready", opened.result().sandbox().note().orElse(null));
      }).onFailure(e -> ws.close((short) 1011, "shell ended, reconnect"));
    });
  }

  /** One browser tab's socket: input, resize, heartbeat. */
  private final class Connection {
    private final ServerWebSocket ws;
    private final SandboxId id;
    private SharedShell shell;
    private long lastPong = System.currentTimeMillis();
    private final long heartbeat;
    private final long signInCheck;

    Connection(ServerWebSocket ws, SandboxId id, SignIn signIn) {
      this.ws = ws;
      this.id = id;
      var vertx = io.vertx.core.Vertx.currentContext().owner();
      ws.pongHandler(pong -> lastPong = System.currentTimeMillis());
      heartbeat = vertx.setPeriodic(PING_EVERY_MS, t -> {
        if (System.currentTimeMillis() - lastPong > DEAD_AFTER_MS) {
          ws.close((short) 1001, "no heartbeat");
        } else {
          ws.writePing(Buffer.buffer("hb"));
        }
      });
      signInCheck = vertx.setPeriodic(Math.max(1, signIn.every().toMillis()), t -> signIn.holds().get()
          .onSuccess(holds -> {
            if (holds || ws.isClosed()) return;
            status(ws, "error", "You were signed out. Sign in again to use the terminal.");
            ws.close(SIGNED_OUT, "signed out");
          }));
      ws.binaryMessageHandler(this::keys);
      ws.textMessageHandler(this::control);
      // Vert.x reports a message over the size limit here and leaves the socket open: close it, saying why.
      ws.exceptionHandler(e -> {
        log.info("terminal socket of {} closed on an error: {}", id, e.toString());
        String why = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        boolean tooBig = why.contains("exceed") || why.contains("max message size") || why.contains("max size");
        if (!ws.isClosed()) ws.close(tooBig ? (short) 1009 : (short) 1011, tooBig ? "message too big" : "socket error");
      });
      ws.closeHandler(v -> {
        vertx.cancelTimer(heartbeat);
        vertx.cancelTimer(signInCheck);
        if (shell != null) shell.detach(ws);
      });
    }

    private void keys(Buffer keys) {
      if (shell == null) return; // still starting: typing before the prompt is dropped, as on a real console
      if (shell.ended()) {
        ws.close((short) 1012, "shell ended, reconnect"); // the browser reconnects and gets a new shell
        return;
      }
      terminals.sandboxes().touch(id);
      shell.input(keys);
    }

    private void control(String text) {
      JsonObject message;
      try {
        message = new JsonObject(text);
      } catch (DecodeException e) {
        ws.close(POLICY, "malformed control message");
        return;
      }
      if ("resize".equals(message.getValue("type"))
          && message.getValue("cols") instanceof Integer cols && message.getValue("rows") instanceof Integer rows
          && cols >= 1 && cols <= 1000 && rows >= 1 && rows <= 1000) {
        if (shell != null) shell.resize(cols, rows);
      } else {
        ws.close(POLICY, "unknown control message");
      }
    }
  }

  private static void status(ServerWebSocket ws, String state, String note) {
    JsonObject status = new JsonObject().put("type", "status").put("state", state);
    if (note != null) status.put("note", note);
    ws.writeTextMessage(status.encode());
  }

  private static void refuse(RoutingContext ctx, int status, String reason) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason + "\n");
  }

  private static int size(String value, int fallback) {
    try {
      int n = Integer.parseInt(value);
      return n >= 1 && n <= 1000 ? n : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
