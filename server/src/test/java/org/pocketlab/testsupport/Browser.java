package org.pocketlab.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One simulated browser against a {@link TestServer}: keeps cookies, does not follow redirects, and signs
 * in through Keycloak's real login form.
 */
public final class Browser {
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final TestServer server;
  private final TestKeycloak.BrowserCookies cookies = new TestKeycloak.BrowserCookies();
  private final HttpClient client;

  public Browser(TestServer server) {
    this.server = server;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .cookieHandler(cookies)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public HttpClient client() {
    return client;
  }

  /** GET a path on the server, or an absolute URL anywhere. */
  public HttpResponse<String> get(String pathOrUrl, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathOrUrl)).timeout(Duration.ofSeconds(15)).GET();
    if (headers.length > 0) request.headers(headers);
    return send(request.build());
  }

  public HttpResponse<String> post(String path, Map<String, String> form, String... headers) {
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) request.headers(headers);
    return send(request.build());
  }

  /**
   * Signs in as {@code username} starting from {@code returnPath}: the server sends us to Keycloak, we fill
   * in its login form (or ride an existing Keycloak session), Keycloak sends us back to the callback, which
   * sends us on. Returns the page we land on.
   */
  public HttpResponse<String> signIn(String username, String password, String returnPath) {
    HttpResponse<String> start = get("/auth/login?return=" + enc(returnPath));
    assertEquals(302, start.statusCode(), "sign-in starts with a redirect to Keycloak: " + start.body());
    TestKeycloak.LoginResult login =
        TestKeycloak.login(start.headers().firstValue("Location").orElseThrow(), username, password, client);
    assertTrue(login.redirected(), "Keycloak sends the browser back: " + login.status());
    HttpResponse<String> callback = get(login.location());
    assertEquals(303, callback.statusCode(), "the callback completes the sign-in: " + callback.body());
    return get(callback.headers().firstValue("Location").orElseThrow());
  }

  public Optional<String> sessionCookie() {
    return cookies.store().get(URI.create(server.publicUrl())).stream()
        .filter(c -> c.getName().equals("pocketlab_session"))
        .map(HttpCookie::getValue)
        .filter(v -> !v.isEmpty())
        .findFirst();
  }

  public void setSessionCookie(String value) {
    cookies.store().removeAll();
    HttpCookie cookie = new HttpCookie("pocketlab_session", value);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.store().add(URI.create(server.publicUrl()), cookie);
  }

  /** The CSRF token the server put into the forms of a page. */
  public static String csrfToken(String html) {
    Matcher m = CSRF_FIELD.matcher(html);
    assertTrue(m.find(), "the page has a form with a CSRF token");
    return m.group(1);
  }

  private URI uri(String pathOrUrl) {
    return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : server.url(pathOrUrl));
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
