package org.pocketlab.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.CookieStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One real Keycloak per test JVM, started lazily by {@link #get()} through {@code deploy/keycloak/local-keycloak}
 * (so the tests run exactly what people run locally) with the realm {@code pocketlab} of
 * {@code deploy/keycloak/pocketlab-realm.json}: a temporary data dir, a free port, stopped and deleted by a
 * JVM shutdown hook.
 *
 * <p>Tests run Pocketlab on random ports: {@link #allowPublicUrl(String)} registers such a server with the
 * client. The realm is shared by every test of the JVM: tests that change users or sessions should use users
 * of their own ({@link #createUser}); the demo users ({@code learner1}, {@code learner2}, {@code instructor1},
 * {@code admin1}, password = username) are there for reading.
 *
 * <p>URLs: every URL Keycloak issues uses {@code http://localhost:<port>}. Talk to it through those URLs (not
 * 127.0.0.1), or its login cookies will not be sent back.
 */
public final class TestKeycloak {
  public static final String REALM = "pocketlab";
  public static final String CLIENT_ID = "pocketlab-web";
  /** The bootstrap admin of the master realm (admin console and admin REST API). */
  public static final String ADMIN_USERNAME = "admin";
  public static final String ADMIN_PASSWORD = "admin";
  /**
   * The {@code POCKETLAB_PUBLIC_URL} the realm is imported with: nothing listens there (connections are
   * refused), so the client's back-channel logout URL goes nowhere unless a test sets one
   * ({@link #setBackchannelLogoutUrl}). Register real servers with {@link #allowPublicUrl(String)}.
   */
  public static final String IMPORTED_PUBLIC_URL = "http://127.0.0.1:9";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private static TestKeycloak instance;
  private static RuntimeException startFailure;

  private final Path script;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final int managementPort;
  private final String clientSecret;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Process process;
  private Duration lastStartTime;
  private String adminToken;
  private Instant adminTokenExpiry = Instant.EPOCH;

  private TestKeycloak(Path repoRoot) {
    this.script = repoRoot.resolve("deploy/keycloak/local-keycloak");
    try {
      this.dataDir = Files.createTempDirectory("pocketlab-test-keycloak");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.logFile = dataDir.resolve("keycloak.log");
    this.port = freePort();
    int management;
    do {
      management = freePort();
    } while (management == port);
    this.managementPort = management;
    this.clientSecret = "test-" + randomToken(24);
  }

  /** The Keycloak of this JVM, started on first use (and started again if a test left it stopped). */
  public static synchronized TestKeycloak get() {
    if (startFailure != null) {
      throw new IllegalStateException("the test Keycloak did not start earlier in this JVM", startFailure);
    }
    if (instance == null) {
      TestKeycloak keycloak = new TestKeycloak(repoRoot());
      Runtime.getRuntime().addShutdownHook(new Thread(keycloak::shutdown, "test-keycloak-shutdown"));
      instance = keycloak;
      try {
        keycloak.start();
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    } else if (!instance.isRunning()) {
      instance.start();
    }
    return instance;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Addresses and client

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /** {@code http://localhost:PORT/realms/pocketlab}, exactly the {@code iss} of its tokens. */
  public String issuer() {
    return baseUrl() + "/realms/" + REALM;
  }

  public String clientId() {
    return CLIENT_ID;
  }

  public String clientSecret() {
    return clientSecret;
  }

  public int port() {
    return port;
  }

  public String discoveryUrl() {
    return issuer() + "/.well-known/openid-configuration";
  }

  public String authorizationEndpoint() {
    return issuer() + "/protocol/openid-connect/auth";
  }

  public String tokenEndpoint() {
    return issuer() + "/protocol/openid-connect/token";
  }

  public String endSessionEndpoint() {
    return issuer() + "/protocol/openid-connect/logout";
  }

  /** {@code /health/ready} on the management interface. */
  public String readinessUrl() {
    return "http://localhost:" + managementPort + "/health/ready";
  }

  // ---------------------------------------------------------------------------------------------------------
  // Life cycle

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** How long the last {@link #start()} took until the realm's discovery document answered. */
  public synchronized Duration lastStartTime() {
    return lastStartTime;
  }

  /**
   * Starts Keycloak (again), on the same port with the same data (users, sessions and client changes survive
   * a {@link #stop()}), and waits until the realm's discovery document answers. No-op when running.
   */
  public synchronized void start() {
    if (isRunning()) return;
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
        .directory(script.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("POCKETLAB_"));
    env.put("POCKETLAB_DATA_DIR", dataDir.toString());
    env.put("POCKETLAB_KEYCLOAK_PORT", Integer.toString(port));
    env.put("POCKETLAB_KEYCLOAK_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("POCKETLAB_PUBLIC_URL", IMPORTED_PUBLIC_URL);
    env.put("POCKETLAB_OIDC_CLIENT_SECRET", clientSecret);
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
    String version = System.getenv("POCKETLAB_KEYCLOAK_VERSION");
    if (version != null) env.put("POCKETLAB_KEYCLOAK_VERSION", version);

    Instant started = Instant.now();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + script, e);
    }
    Instant deadline = started.plus(START_TIMEOUT);
    while (true) {
      if (!process.isAlive()) {
        int exit = process.exitValue();
        process = null;
        throw new IllegalStateException("Keycloak exited with status " + exit + " before it was ready; its log:\n"
            + logTail(80));
      }
      if (Instant.now().isAfter(deadline)) {
        stop();
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT.toSeconds()
            + " s; its log:\n" + logTail(80));
      }
      if (answers(discoveryUrl())) break;
      sleep(250);
    }
    lastStartTime = Duration.between(started, Instant.now());
    adminToken = null;
  }

  /**
   * Stops Keycloak (SIGTERM to the whole process tree, SIGKILL after 30 s) and waits until it is gone. The
   * data stays; {@link #start()} brings it back.
   */
  public synchronized void stop() {
    if (process == null) return;
    ProcessHandle root = process.toHandle();
    List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).collect(Collectors.toList());
    tree.forEach(ProcessHandle::destroy);
    Instant deadline = Instant.now().plus(STOP_TIMEOUT);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception timeoutOrInterrupt) {
        handle.destroyForcibly();
      }
    }
    tree.forEach(handle -> {
      if (handle.isAlive()) handle.destroyForcibly();
    });
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    adminToken = null;
  }

  private void shutdown() {
    try {
      stop();
    } finally {
      deleteRecursively(dataDir);
    }
  }

  /** The last lines of Keycloak's output (start-up, errors, back-channel logout failures...). */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Client configuration for Pocketlab servers on random ports

  /**
   * Lets a Pocketlab server reachable at {@code publicUrl} use the client: adds {@code publicUrl/auth/callback}
   * to its redirect URIs, {@code publicUrl/} to its post-logout redirect URIs and {@code publicUrl} to its web
   * origins (nothing is removed: several servers may be registered at once).
   */
  public synchronized void allowPublicUrl(String publicUrl) {
    String base = stripTrailingSlash(publicUrl);
    JsonObject client = client();
    JsonArray redirects = client.getJsonArray("redirectUris", new JsonArray());
    addOnce(redirects, base + "/auth/callback");
    client.put("redirectUris", redirects);
    JsonArray origins = client.getJsonArray("webOrigins", new JsonArray());
    addOnce(origins, base);
    client.put("webOrigins", origins);
    JsonObject attributes = client.getJsonObject("attributes", new JsonObject());
    List<String> postLogout = new ArrayList<>();
    String current = attributes.getString("post.logout.redirect.uris", "");
    for (String uri : current.split("##")) {
      if (!uri.isBlank()) postLogout.add(uri);
    }
    if (!postLogout.contains(base + "/")) postLogout.add(base + "/");
    attributes.put("post.logout.redirect.uris", String.join("##", postLogout));
    client.put("attributes", attributes);
    adminPut("/clients/" + client.getString("id"), client.getMap());
  }

  /** Points the client's back-channel logout (logout tokens, session required) at {@code publicUrl/auth/backchannel-logout}. */
  public synchronized void setBackchannelLogoutUrl(String publicUrl) {
    JsonObject client = client();
    JsonObject attributes = client.getJsonObject("attributes", new JsonObject());
    attributes.put("backchannel.logout.url", stripTrailingSlash(publicUrl) + "/auth/backchannel-logout");
    client.put("attributes", attributes);
    adminPut("/clients/" + client.getString("id"), client.getMap());
  }

  /** The client {@code pocketlab-web} as the admin API represents it. */
  public JsonObject client() {
    List<Map<String, Object>> found = adminList("/clients?clientId=" + encode(CLIENT_ID));
    if (found.size() != 1) throw new IllegalStateException("client " + CLIENT_ID + " not found: " + found);
    return new JsonObject(found.get(0));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Users and sessions

  /** The id of a user of the realm. */
  public String userId(String username) {
    List<Map<String, Object>> users = adminList("/users?exact=true&username=" + encode(username));
    if (users.size() != 1) throw new IllegalStateException("no single user " + username + ": " + users);
    return (String) users.get(0).get("id");
  }

  /**
   * Creates an enabled user with a (non-temporary) password, a verified {@code username@pocketlab.test} e-mail
   * and a complete profile, so that it can sign in without required actions. It gets the realm's default roles
   * ({@code learner}) plus {@code extraRealmRoles}. Returns its id.
   */
  public String createUser(String username, String password, String... extraRealmRoles) {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("username", username);
    user.put("enabled", true);
    user.put("emailVerified", true);
    user.put("email", username + "@pocketlab.test");
    user.put("firstName", "Test");
    user.put("lastName", username);
    user.put("credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
    String id = adminPost("/users", user);
    if (id == null) id = userId(username);
    if (extraRealmRoles.length > 0) {
      List<Map<String, Object>> roles = new ArrayList<>();
      for (String role : extraRealmRoles) roles.add(adminGet("/roles/" + encode(role)));
      adminPost("/users/" + id + "/role-mappings/realm", roles);
    }
    return id;
  }

  /** The names of the user's effective realm roles (composites expanded). */
  public List<String> effectiveRealmRoles(String username) {
    return adminList("/users/" + userId(username) + "/role-mappings/realm/composite").stream()
        .map(role -> (String) role.get("name"))
        .sorted()
        .collect(Collectors.toList());
  }

  /** The user's active SSO sessions (each with id, ipAddress, start, lastAccess, clients...). */
  public List<Map<String, Object>> userSessions(String username) {
    return adminList("/users/" + userId(username) + "/sessions");
  }

  /** Ends every session of the user in Keycloak (sends back-channel logouts where configured). */
  public void logoutUser(String username) {
    adminPost("/users/" + userId(username) + "/logout", null);
  }

  /** Ends one SSO session by id. */
  public void deleteSession(String sessionId) {
    adminDelete("/sessions/" + encode(sessionId));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Admin REST API. A path starting with "/admin/" is used as is; any other path is relative to
  // /admin/realms/pocketlab (e.g. "/users?username=learner1"). Non-2xx answers throw AdminApiException.

  public Map<String, Object> adminGet(String path) {
    return new JsonObject(admin("GET", path, null).body()).getMap();
  }

  /** GET for the endpoints that answer a JSON array (users, sessions, role mappings...): a list of objects. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> adminList(String path) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Object item : new JsonArray(admin("GET", path, null).body())) {
      list.add(item instanceof JsonObject ? ((JsonObject) item).getMap() : (Map<String, Object>) item);
    }
    return list;
  }

  /** POST with a JSON body (a Map, List or null); returns the id of the created resource (from Location), or null. */
  public String adminPost(String path, Object body) {
    HttpResponse<String> response = admin("POST", path, body);
    return response.headers().firstValue("Location")
        .map(location -> location.substring(location.lastIndexOf('/') + 1))
        .orElse(null);
  }

  public void adminPut(String path, Object body) {
    admin("PUT", path, body);
  }

  public void adminDelete(String path) {
    admin("DELETE", path, null);
  }

  /** Any admin API call; throws {@link AdminApiException} unless the status is 2xx. */
  public synchronized HttpResponse<String> admin(String method, String path, Object body) {
    String url = path.startsWith("/admin/") ? baseUrl() + path : baseUrl() + "/admin/realms/" + REALM + path;
    HttpResponse<String> response = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + adminToken())
          .header("Accept", "application/json");
      if (body != null) {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(toJson(body)));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      response = send(http, request.build());
      if (response.statusCode() != 401) break;
      adminToken = null; // e.g. Keycloak was restarted and the cached token is no longer accepted
    }
    if (response.statusCode() / 100 != 2) {
      throw new AdminApiException(method, path, response.statusCode(), response.body());
    }
    return response;
  }

  private synchronized String adminToken() {
    if (adminToken == null || Instant.now().isAfter(adminTokenExpiry)) {
      HttpResponse<String> response = postForm(http, baseUrl() + "/realms/master/protocol/openid-connect/token",
          null, Map.of("grant_type", "password", "client_id", "admin-cli",
              "username", ADMIN_USERNAME, "password", ADMIN_PASSWORD));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("admin token refused: " + response.statusCode() + " " + response.body());
      }
      JsonObject token = new JsonObject(response.body());
      adminToken = token.getString("access_token");
      adminTokenExpiry = Instant.now().plusSeconds(Math.max(5, token.getLong("expires_in", 60L) - 15));
    }
    return adminToken;
  }

  /** A refused admin API call. */
  public static final class AdminApiException extends RuntimeException {
    private final int status;

    AdminApiException(String method, String path, int status, String body) {
      super("Keycloak admin API " + method + " " + path + " answered " + status + ": " + body);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Authorization code flow helpers (what a browser and the Pocketlab server do)

  /** A PKCE pair: a random verifier and its S256 challenge. */
  public record Pkce(String verifier, String challenge) {
    public static Pkce create() {
      String verifier = randomToken(48);
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * An authorization URL of this Keycloak for the client, scope "openid profile email", with S256 PKCE when
   * {@code pkce} is not null.
   */
  public String authorizationUrl(String redirectUri, String state, Pkce pkce) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("client_id", CLIENT_ID);
    query.put("response_type", "code");
    query.put("scope", "openid profile email");
    query.put("redirect_uri", redirectUri);
    query.put("state", state);
    query.put("nonce", randomToken(16));
    if (pkce != null) {
      query.put("code_challenge", pkce.challenge());
      query.put("code_challenge_method", "S256");
    }
    return authorizationEndpoint() + "?" + formEncode(query);
  }

  /**
   * Redeems an authorization code at the token endpoint as the confidential client (client_secret_basic).
   * Returns the status and the JSON answer (access_token, id_token... or error, error_description).
   */
  public TokenResponse exchangeCode(String code, String redirectUri, String codeVerifier) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    if (codeVerifier != null) form.put("code_verifier", codeVerifier);
    return tokenRequest(form);
  }

  /** Any request to the token endpoint, authenticated as the client (client_secret_basic). */
  public TokenResponse tokenRequest(Map<String, String> form) {
    String basic = Base64.getEncoder().encodeToString(
        (encode(CLIENT_ID) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = postForm(http, tokenEndpoint(), "Basic " + basic, form);
    return new TokenResponse(response.statusCode(), new JsonObject(response.body()).getMap());
  }

  /** A token endpoint answer. */
  public record TokenResponse(int status, Map<String, Object> json) {
    public String accessToken() {
      return (String) json.get("access_token");
    }

    public String idToken() {
      return (String) json.get("id_token");
    }

    public String refreshToken() {
      return (String) json.get("refresh_token");
    }

    public String error() {
      return (String) json.get("error");
    }
  }

  /** The payload of a JWT, base64url-decoded, signature NOT checked. */
  public static Map<String, Object> jwtPayload(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) throw new IllegalArgumentException("not a JWS compact serialization: " + jwt);
    return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getMap();
  }

  /**
   * An HTTP client that behaves like a browser for {@link #login}: keeps cookies (per host), does NOT follow
   * redirects. Use one per simulated browser.
   *
   * <p>Keycloak marks its cookies {@code Secure} even over plain http; browsers still send them to
   * {@code http://localhost} (a "potentially trustworthy" origin), java.net.CookieManager does not. The cookie
   * handler therefore drops the Secure attribute for loopback hosts, and the obsolete {@code Version=1}
   * attribute everywhere (with it the JDK would send RFC 2965 style {@code $Version} cookies).
   */
  public static HttpClient newBrowserClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .cookieHandler(new BrowserCookies())
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A cookie jar with a browser's view of Secure cookies on loopback hosts; see {@link #newBrowserClient()}. */
  public static final class BrowserCookies extends CookieHandler {
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

    public CookieStore store() {
      return cookies.getCookieStore();
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
      return cookies.get(uri, requestHeaders);
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
      boolean loopback = isLoopback(uri.getHost());
      Map<String, List<String>> rewritten = new LinkedHashMap<>();
      responseHeaders.forEach((name, values) -> rewritten.put(name,
          name != null && name.equalsIgnoreCase("Set-Cookie")
              ? values.stream().map(value -> withoutAttributes(value, loopback)).collect(Collectors.toList())
              : values));
      cookies.put(uri, rewritten);
    }

    private static String withoutAttributes(String setCookie, boolean dropSecure) {
      return Stream.of(setCookie.split(";"))
          .filter(part -> {
            String attribute = part.strip().toLowerCase(java.util.Locale.ROOT);
            return !attribute.startsWith("version=") && !(dropSecure && attribute.equals("secure"));
          })
          .collect(Collectors.joining(";"));
    }

    private static boolean isLoopback(String host) {
      if (host == null) return false;
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return bare.equalsIgnoreCase("localhost") || bare.startsWith("127.") || bare.equals("::1");
    }
  }

  /**
   * Signs in through Keycloak's real login form, like a browser: GETs {@code authorizeUrl} (an authorization
   * request, e.g. where the Pocketlab server redirected to), posts the username and password to the form's
   * action with Keycloak's cookies, and follows redirects only while they stay on Keycloak. The result's
   * {@link LoginResult#location()} is then the redirect back to the client (with code and state, or an
   * error), or null when Keycloak answered a page (the login form again after a wrong password, an error
   * page).
   *
   * <p>{@code client} must keep cookies and must not follow redirects ({@link #newBrowserClient()}). When its
   * cookies already hold a Keycloak session, Keycloak redirects at once and no form is posted.
   */
  public static LoginResult login(String authorizeUrl, String username, String password, HttpClient client) {
    URI authorize = URI.create(authorizeUrl);
    HttpResponse<String> page = followWithinKeycloak(client, authorize, send(client, get(authorize)));
    String action = loginFormAction(page.body());
    if (isRedirect(page) || page.statusCode() != 200 || action == null) {
      return LoginResult.of(page);
    }
    URI actionUri = authorize.resolve(action);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("username", username);
    form.put("password", password);
    form.put("credentialId", "");
    HttpResponse<String> posted = postForm(client, actionUri.toString(), null, form);
    return LoginResult.of(followWithinKeycloak(client, authorize, posted));
  }

  /** What {@link #login} ended with. */
  public record LoginResult(int status, String location, String body) {
    static LoginResult of(HttpResponse<String> response) {
      return new LoginResult(response.statusCode(),
          isRedirect(response) ? response.headers().firstValue("Location").orElse(null) : null,
          response.body());
    }

    /** True when Keycloak redirected back to the client. */
    public boolean redirected() {
      return location != null;
    }

    /** A query parameter of the redirect back to the client (code, state, iss, error...), or null. */
    public String param(String name) {
      return location == null ? null : queryParams(URI.create(location).getRawQuery()).get(name);
    }

    public String code() {
      return param("code");
    }

    public String state() {
      return param("state");
    }

    public String error() {
      return param("error");
    }

    @Override
    public String toString() {
      return "LoginResult[status=" + status + ", location=" + location
          + (location == null ? ", pageError=" + pageError() + ", loginFormShown=" + loginFormShown() : "") + "]";
    }

    /** True when the answer is Keycloak's login form (e.g. again, after a wrong password). */
    public boolean loginFormShown() {
      return body != null && loginFormAction(body) != null;
    }

    /** The error text Keycloak shows on its page (e.g. "Invalid username or password."), or null. */
    public String pageError() {
      if (body == null) return null;
      for (Pattern pattern : PAGE_ERRORS) {
        Matcher matcher = pattern.matcher(body);
        if (matcher.find()) return htmlUnescape(matcher.group(1).replaceAll("<[^>]*>", "")).strip();
      }
      return null;
    }
  }

  private static final Pattern LOGIN_FORM = Pattern.compile("<form\\b[^>]*\\bid=\"kc-form-login\"[^>]*>",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final List<Pattern> PAGE_ERRORS = List.of(
      Pattern.compile("id=\"input-error[^\"]*\"[^>]*>(.*?)</span>", Pattern.DOTALL),
      Pattern.compile("class=\"[^\"]*kc-feedback-text[^\"]*\"[^>]*>(.*?)</span>", Pattern.DOTALL),
      Pattern.compile("id=\"kc-error-message\"[^>]*>.*?<p[^>]*>(.*?)</p>", Pattern.DOTALL));

  private static String loginFormAction(String html) {
    if (html == null) return null;
    Matcher form = LOGIN_FORM.matcher(html);
    if (!form.find()) return null;
    Matcher action = ACTION.matcher(form.group());
    return action.find() ? htmlUnescape(action.group(1)) : null;
  }

  private static HttpResponse<String> followWithinKeycloak(HttpClient client, URI keycloak,
      HttpResponse<String> response) {
    for (int hops = 0; hops < 10 && isRedirect(response); hops++) {
      String location = response.headers().firstValue("Location").orElse(null);
      if (location == null) break;
      URI next = response.uri().resolve(location);
      boolean sameOrigin = next.getScheme().equalsIgnoreCase(keycloak.getScheme())
          && next.getHost().equalsIgnoreCase(keycloak.getHost()) && next.getPort() == keycloak.getPort()
          && next.getRawPath().startsWith("/realms/");
      if (!sameOrigin) break;
      response = send(client, get(next));
    }
    return response;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Plumbing

  private static boolean isRedirect(HttpResponse<?> response) {
    int status = response.statusCode();
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private boolean answers(String url) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
  }

  private static HttpResponse<String> postForm(HttpClient client, String url, String authorization,
      Map<String, String> form) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
    if (authorization != null) request.header("Authorization", authorization);
    return send(client, request.build());
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String toJson(Object body) {
    if (body instanceof Map<?, ?> map) return new JsonObject(castMap(map)).encode();
    if (body instanceof List<?> list) return new JsonArray(new ArrayList<>(list)).encode();
    if (body instanceof JsonObject || body instanceof JsonArray) return body.toString();
    throw new IllegalArgumentException("not a JSON body: " + body);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  public static String formEncode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static Map<String, String> queryParams(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null) return params;
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);");

  static String htmlUnescape(String text) {
    Matcher matcher = ENTITY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String entity = matcher.group(1);
      String replacement;
      switch (entity) {
        case "amp" -> replacement = "&";
        case "lt" -> replacement = "<";
        case "gt" -> replacement = ">";
        case "quot" -> replacement = "\"";
        case "apos" -> replacement = "'";
        default -> replacement = new String(Character.toChars(entity.startsWith("#x")
            ? Integer.parseInt(entity.substring(2), 16)
            : Integer.parseInt(entity.substring(1))));
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String randomToken(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static void addOnce(JsonArray array, String value) {
    if (!array.contains(value)) array.add(value);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path repoRoot() {
    String property = System.getProperty("pocketlab.repoRoot");
    if (property != null && !property.isBlank()) {
      Path root = Paths.get(property).toAbsolutePath().normalize();
      if (Files.isRegularFile(root.resolve("deploy/keycloak/local-keycloak"))) return root;
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/keycloak/local-keycloak"))) return dir;
    }
    throw new IllegalStateException("deploy/keycloak/local-keycloak not found (system property pocketlab.repoRoot="
        + property + ", working dir " + Paths.get("").toAbsolutePath() + ")");
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // best effort at JVM exit
        }
      });
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }
}
