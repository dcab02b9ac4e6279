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
  private final DbSettings db;
  private final String publicUrl;
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private TestServer(PocketlabServer server, DbSettings db, String publicUrl) {
    this.server = server;
    this.db = db;
    this.publicUrl = publicUrl;
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Signs in through the test run's real Keycloak, which learns this server's redirect URIs. */
  public static TestServer withKeycloak() {
    return withKeycloak(Map.of());
  }

  public static TestServer withKeycloak(Map<String, String> extraEnv) {
    TestKeycloak keycloak = TestKeycloak.get();
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("POCKETLAB_OIDC_ISSUER", keycloak.issuer());
    env.put("POCKETLAB_OIDC_CLIENT_ID", keycloak.clientId());
    env.put("POCKETLAB_OIDC_CLIENT_SECRET", keycloak.clientSecret());
    int port = freePort();
    env.put("POCKETLAB_HTTP_PORT", String.valueOf(port));
    keycloak.allowPublicUrl("http://localhost:" + port);
    return start(env);
  }

  /** Starts with the given extra environment variables on top of the test defaults. */
  public static TestServer start(Map<String, String> extraEnv) {
    DbSettings db = TestPostgres.freshDatabase();
    int port = extraEnv.containsKey("POCKETLAB_HTTP_PORT")
        ? Integer.parseInt(extraEnv.get("POCKETLAB_HTTP_PORT"))
        : freePort();
    String publicUrl = "http://localhost:" + port;
    Map<String, String> env = new HashMap<>();
    env.put("POCKETLAB_HTTP_HOST", "127.0.0.1");
    env.put("POCKETLAB_HTTP_PORT", String.valueOf(port));
    env.put("POCKETLAB_PUBLIC_URL", publicUrl);
    env.put("POCKETLAB_DB_URL", db.jdbcUrl());
    env.put("POCKETLAB_DB_USER", db.user());
    env.put("POCKETLAB_DB_PASSWORD", db.password());
    env.put("POCKETLAB_DB_POOL_SIZE", "4");
    env.put("POCKETLAB_DATA_DIR", tempDir().toString());
    env.put("POCKETLAB_SANDBOX_STARTER", repoRoot().resolve("sandbox-images/django/starter").toString());
    env.putAll(extraEnv);
    return new TestServer(PocketlabServer.start(Settings.from(env)), db, publicUrl);
  }

  /** An absolute URL on this server, as people reach it (localhost: the public URL's host). */
  public String url(String path) {
    return publicUrl + path;
  }

  public String publicUrl() {
    return publicUrl;
  }

  /** The server's own database, for tests that age or inspect rows. */
  public DbSettings db() {
    return db;
  }

  /** Ends every sign-in of the user, as a sign-out elsewhere does (Keycloak's back-channel logout, say). */
  public int endSessionsOf(String username) {
    try (org.jooq.CloseableDSLContext dsl = org.jooq.impl.DSL.using(db.jdbcUrl(), db.user(), db.password())) {
      return dsl.execute("DELETE FROM web_session WHERE user_id = (SELECT id FROM app_user WHERE username = ?)",
          username);
    }
  }

  /**
   * Ends the progress listeners' LISTEN connections to this server's database (every server on it), as a
   * database restart or failover would; returns how many were ended.
   */
  public int terminateProgressListeners() {
    try (org.jooq.CloseableDSLContext dsl = org.jooq.impl.DSL.using(db.jdbcUrl(), db.user(), db.password())) {
      return dsl.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE application_name = 'pocketlab-progress-listener'").size();
    }
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

  /** The repository's root: surefire says where; otherwise the module's parent (tests run in server/). */
  public static Path repoRoot() {
    String configured = System.getProperty("pocketlab.repoRoot");
    return (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      // Traversable, like a data directory made by mkdir: sandboxes run as their own unprivileged users.
      return Files.createTempDirectory("pocketlab-test-data",
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
