package org.pocketlab.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import org.pocketlab.terminal.TerminalSocket;

/** One HTTP server per event loop; all instances listen on the same port and share the work. */
public final class WebVerticle extends VerticleBase {
  private final WebApp app;
  private final String host;
  private final int port;

  public WebVerticle(WebApp app, String host, int port) {
    this.app = app;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setCompressionSupported(true)
        .setMaxFormAttributeSize(64 * 1024)
        // Terminal frames are keystrokes and resizes: small. Compression would cost CPU and echo latency.
        .setMaxWebSocketFrameSize(TerminalSocket.MAX_MESSAGE)
        .setMaxWebSocketMessageSize(TerminalSocket.MAX_MESSAGE)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    return vertx.createHttpServer(options).requestHandler(app.router(vertx)).listen();
  }
}
