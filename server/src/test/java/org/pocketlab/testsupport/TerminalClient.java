package org.pocketlab.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** A terminal tab as a test sees it: a real WebSocket to the server, the screen text and the status messages. */
public final class TerminalClient implements AutoCloseable {
  private static final Vertx VERTX = Vertx.vertx();

  private final WebSocketClient client;
  private final WebSocket socket;
  private final StringBuffer screen = new StringBuffer();
  private final List<JsonObject> statuses = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> closedWith = new AtomicReference<>();
  private volatile long bytes;

  private TerminalClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.binaryMessageHandler(b -> {
      bytes += b.length();
      screen.append(b.toString(StandardCharsets.UTF_8));
    });
    socket.textMessageHandler(t -> statuses.add(new JsonObject(t)));
    socket.closeHandler(v -> closedWith.set(socket.closeStatusCode() + " " + socket.closeReason()));
  }

  /** Connects with the browser's session cookie and the given Origin. Fails with the HTTP status when refused. */
  public static TerminalClient connect(TestServer server, String course, String sessionCookie, String origin)
      throws Exception {
    WebSocketClient client = VERTX.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(server.url("/courses/" + course + "/terminal?cols=120&rows=40").replace("http", "ws"))
        .setAllowOriginHeader(origin != null); // false: send no Origin at all, as a non-browser client might
    if (sessionCookie != null) options.addHeader("Cookie", "pocketlab_session=" + sessionCookie);
    if (origin != null) options.addHeader("Origin", origin);
    // The handlers must be in place on the event loop as the socket opens: frames that arrive before
    // them would be lost (the first status, or a whole repaint, comes within milliseconds).
    return client.connect(options).map(socket -> new TerminalClient(client, socket)).await(30, TimeUnit.SECONDS);
  }

  public void type(String text) {
    socket.writeBinaryMessage(Buffer.buffer(text, "UTF-8"));
  }

  public void send(Buffer binary) {
    socket.writeBinaryMessage(binary);
  }

  public void control(String text) {
    socket.writeTextMessage(text);
  }

  public String screen() {
    return screen.toString();
  }

  public long bytesReceived() {
    return bytes;
  }

  public List<JsonObject> statuses() {
    return statuses;
  }

  /** "code reason" once the server closed the socket, else null. */
  public String closedWith() {
    return closedWith.get();
  }

  public void waitFor(String what, Predicate<TerminalClient> done, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what + "; screen tail: "
            + tail(screen(), 600) + "; statuses: " + statuses + "; closed: " + closedWith());
      }
      Thread.sleep(20);
    }
  }

  public void waitForScreen(String text) throws InterruptedException {
    waitFor("'" + text + "' on the screen", c -> c.screen().contains(text), Duration.ofSeconds(30));
  }

  public void waitForReady() throws InterruptedException {
    waitFor("the ready status", c -> c.statuses().stream().anyMatch(s -> "ready".equals(s.getString("state"))),
        Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }
}
