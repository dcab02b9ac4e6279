package org.pocketlab.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.pocketlab.PocketlabServer;
import org.pocketlab.config.Settings;
import org.pocketlab.db.DbSettings;

/**
 * The real server on a random port, backed by a fresh database of the shared test PostgreSQL, plus a
 * plain HTTP client that does not follow redirects (tests look at the redirects themselves).
 */
public final class TestServer implements AutoCloseable {
  private final PocketlabServer server;
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private TestServer(PocketlabServer server) {
    this.server = server;
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts with the given extra environment variables on top of the test defaults. */
  public static TestServer start(Map<String, String> extraEnv) {
    DbSettings db = TestPostgres.freshDatabase();
    Map<String, String> env = new HashMap<>();
    env.put("POCKETLAB_HTTP_HOST", "127.0.0.1");
    env.put("POCKETLAB_HTTP_PORT", "0");
    env.put("POCKETLAB_DB_URL", db.jdbcUrl());
    env.put("POCKETLAB_DB_USER", db.user());
    env.put("POCKETLAB_DB_PASSWORD", db.password());
    env.put("POCKETLAB_DB_POOL_SIZE", "4");
    env.put("POCKETLAB_DATA_DIR", tempDir().toString());
    env.putAll(extraEnv);
    return new TestServer(PocketlabServer.start(Settings.from(env)));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  public int port() {
    return server.port();
  }

  public PocketlabServer server() {
    return server;
  }

  public HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) request.headers(headers);
    try {
      return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pocketlab-test-data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
