package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.TestServer;

/** Headers, health, metrics and error pages: what every response and every operator relies on. */
class ServerBasicsTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    for (String path : List.of("/", "/courses/django-pocket-book", "/assets/app.css", "/no/such/page",
        "/health/live")) {
      HttpResponse<String> response = server.get(path);
      String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), path + ": " + csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), path);
      assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      assertEquals("strict-origin-when-cross-origin", response.headers().firstValue("Referrer-Policy").orElse(""), path);
      assertTrue(response.headers().firstValue("X-Request-Id").isPresent(), path);
    }
  }

  @Test
  void pagesHaveNoInlineScriptsOrStyles() {
    String html = server.get("/courses/django-pocket-book/cards/3-request-response-lifecycle-mental-model").body();
    assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), "every script is a file");
    assertFalse(html.contains("<style"), "no style blocks");
    assertFalse(html.contains(" style=\""), "no style attributes");
    assertFalse(html.contains(" onclick=") || html.contains(" onload="), "no inline handlers");
  }

  @Test
  void aSaneRequestIdIsEchoedAndAnInsaneOneReplaced() {
    assertEquals("trace-abc-12345", server.get("/health/live", "X-Request-Id", "trace-abc-12345")
        .headers().firstValue("X-Request-Id").orElse(""));
    String replaced = server.get("/health/live", "X-Request-Id", "<script>").headers()
        .firstValue("X-Request-Id").orElse("");
    assertTrue(replaced.matches("[0-9a-f]{16}"), replaced);
  }

  @Test
  void healthReportsTheDatabase() {
    HttpResponse<String> live = server.get("/health/live");
    assertEquals(200, live.statusCode());
    assertEquals("UP", new JsonObject(live.body()).getString("status"));
    HttpResponse<String> ready = server.get("/health/ready");
    assertEquals(200, ready.statusCode());
    assertEquals("UP", new JsonObject(ready.body()).getJsonObject("checks").getJsonObject("database").getString("status"));
  }

  @Test
  void prometheusMetricsAreExposed() {
    server.get("/courses/django-pocket-book");
    HttpResponse<String> metrics = server.get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("vertx_http_server_requests_total"), "HTTP server metrics");
    assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics");
  }

  @Test
  void aPostWithoutASessionIsRefusedWithAPage() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(server.url("/courses/django-pocket-book")))
        .POST(HttpRequest.BodyPublishers.ofString("x=1")).header("Content-Type", "application/x-www-form-urlencoded")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, post.statusCode());
    assertTrue(post.body().contains("Request refused"));
    HttpResponse<String> huge = client.send(HttpRequest.newBuilder(URI.create(server.url("/auth/logout")))
        .POST(HttpRequest.BodyPublishers.ofString("x=" + "a".repeat(200_000)))
        .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(413, huge.statusCode(), "an oversized form is refused before anything reads it");
  }

  /** A handler that throws must produce the 500 page with a request id, and never the exception. */
  @Test
  void aServerErrorShowsARequestIdAndNoStackTrace() throws Exception {
    var vertx = server.server().vertx();
    Router router = server.server().webApp().router(vertx);
    router.get("/explode").handler(ctx -> {
      throw new IllegalStateException("secret internal detail");
    });
    HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.actualPort() + "/explode")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(500, response.statusCode());
      String id = response.headers().firstValue("X-Request-Id").orElseThrow();
      assertTrue(response.body().contains("Something went wrong"));
      assertTrue(response.body().contains("<code>" + id + "</code>"), "the request id is shown");
      assertFalse(response.body().contains("secret internal detail"));
      assertFalse(response.body().contains("IllegalStateException"));
      assertFalse(response.body().contains("at org.pocketlab"));
    } finally {
      http.close().await(5, TimeUnit.SECONDS);
    }
  }
}
