package org.pocketlab.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server can be told, read once from the environment at boot and validated there, so a bad
 * value stops start-up with one line instead of failing later. The README's configuration table lists
 * these variables; keep the two in step.
 */
public record Settings(
    String httpHost,
    int httpPort,
    URI publicUrl,
    Path dataDir,
    Optional<String> dbUrl,
    String dbUser,
    String dbPassword,
    int dbPoolSize,
    Optional<Path> coursesDir,
    String logFormat,
    boolean accessLog,
    OidcSettings oidc,
    SessionSettings sessions,
    org.pocketlab.sandbox.SandboxSettings sandbox,
    Path sandboxStarter,
    org.pocketlab.sandbox.kubernetes.KubernetesSettings kubernetes,
    StuckSettings stuck) {

  public static Settings fromEnvironment() {
    return from(System.getenv());
  }

  public static Settings from(Map<String, String> vars) {
    Env env = new Env(vars);
    int port = env.integer("POCKETLAB_HTTP_PORT", 8080, 0, 65535);
    Optional<String> dbUrl = env.jdbcPostgresUrl("POCKETLAB_DB_URL");
    String dbPassword = env.string("POCKETLAB_DB_PASSWORD", "");
    if (dbUrl.isPresent() && dbPassword.isEmpty()) {
      throw new InvalidSettingException("POCKETLAB_DB_PASSWORD", "a password when POCKETLAB_DB_URL is set", "");
    }
    return new Settings(
        env.string("POCKETLAB_HTTP_HOST", "0.0.0.0"),
        port,
        env.httpUrl("POCKETLAB_PUBLIC_URL").orElse(URI.create("http://localhost:" + (port == 0 ? 8080 : port))),
        env.path("POCKETLAB_DATA_DIR", "data"),
        dbUrl,
        env.string("POCKETLAB_DB_USER", "pocketlab"),
        dbPassword,
        env.integer("POCKETLAB_DB_POOL_SIZE", 10, 1, 200),
        env.optional("POCKETLAB_COURSES_DIR").map(v -> env.path("POCKETLAB_COURSES_DIR", v)),
        env.oneOf("POCKETLAB_LOG_FORMAT", "json", Set.of("json", "text")),
        env.bool("POCKETLAB_ACCESS_LOG", true),
        OidcSettings.from(env),
        SessionSettings.from(env),
        org.pocketlab.sandbox.SandboxSettings.fromEnv(vars),
        env.path("POCKETLAB_SANDBOX_STARTER", "sandbox-images/django/starter"),
        org.pocketlab.sandbox.kubernetes.KubernetesSettings.fromEnv(vars,
            "kubernetes".equalsIgnoreCase(vars.getOrDefault("POCKETLAB_SANDBOX_RUNTIME", "").trim())),
        StuckSettings.from(env));
  }

  /** Cookies and HSTS only make sense when people reach us over https. */
  public boolean publicUrlIsHttps() {
    return "https".equals(publicUrl.getScheme());
  }

  /** The origin browsers send in {@code Origin} headers, e.g. {@code https://lab.example.org}. */
  public String publicOrigin() {
    int port = publicUrl.getPort();
    return publicUrl.getScheme() + "://" + publicUrl.getHost() + (port == -1 ? "" : ":" + port);
  }
}
