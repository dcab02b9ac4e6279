// The client of bench/dashboard/run: dashboard render time and live-update latency against a server whose
// database holds a seeded cohort. One file, run with the source launcher and the server's jar on the class
// path (for the PostgreSQL driver):
//
//   java -cp pocketlab.jar bench/dashboard/DashboardBench.java --app http://127.0.0.1:PORT \
//       --pg-dir DATA/postgres --cohort ID [--renders 200] [--updates 200]
//
// Signing in: the server runs without an identity provider; this client writes sessions for an admin and for
// some of the seeded learners straight into web_session (only the SHA-256 of a cookie value is stored, as the
// server does), so no browser sign-in is needed. Prints progress on stderr, the table (markdown) on stdout.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class DashboardBench {
  static final String COURSE = "django-pocket-book";
  static final Pattern SERVER_TIMING = Pattern.compile("dur=([0-9.]+)");
  static final Pattern ROW = Pattern.compile("<tr id=\"learner-([0-9a-f-]{36})\"");
  static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(10);
  static final SecureRandom RANDOM = new SecureRandom();

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i], args[i + 1]);
    String app = a.get("--app");
    Path pgDir = Path.of(a.get("--pg-dir"));
    UUID cohort = UUID.fromString(a.get("--cohort"));
    int renders = Integer.parseInt(a.getOrDefault("--renders", "200"));
    int updates = Integer.parseInt(a.getOrDefault("--updates", "200"));

    String password = Files.readString(pgDir.resolve("password")).strip();
    String port = Files.readAllLines(pgDir.resolve("pgdata/postmaster.pid")).get(3).strip();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    String adminCookie;
    List<String[]> learners = new ArrayList<>(); // {person id, cookie}
    List<String> cardPaths = new ArrayList<>();
    int learnerCount;
    long eventCount;
    try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/pocketlab", "pocketlab",
        password)) {
      UUID admin = UUID.randomUUID();
      try (PreparedStatement s = db.prepareStatement("INSERT INTO app_user (id, subject, username, name, email, roles, "
          + "created_at, last_login_at) VALUES (?, ?, 'bench-admin', 'Bench Admin', NULL, 'admin', now(), now())")) {
        s.setObject(1, admin);
        s.setString(2, "bench:" + admin);
        s.executeUpdate();
      }
      adminCookie = session(db, admin);
      try (PreparedStatement s = db.prepareStatement("SELECT user_id FROM cohort_member WHERE cohort_id = ? "
          + "AND role = 'learner' ORDER BY random() LIMIT ?")) {
        s.setObject(1, cohort);
        s.setInt(2, Math.max(1, updates));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            UUID learner = (UUID) r.getObject(1);
            learners.add(new String[] {learner.toString(), session(db, learner)});
          }
        }
      }
      try (ResultSet r = db.createStatement().executeQuery(
          "SELECT number || '-' || slug FROM card WHERE course_id = '" + COURSE + "' ORDER BY number")) {
        while (r.next()) cardPaths.add(r.getString(1));
      }
      try (ResultSet r = db.createStatement().executeQuery("SELECT count(*) FROM cohort_member WHERE cohort_id = '"
          + cohort + "' AND role = 'learner'")) {
        r.next();
        learnerCount = r.getInt(1);
      }
      try (ResultSet r = db.createStatement().executeQuery("SELECT count(*) FROM progress_event")) {
        r.next();
        eventCount = r.getLong(1);
      }
    }
    String dashboard = app + "/cohorts/" + cohort;

    System.err.println("bench: dashboard of " + learnerCount + " learners, " + eventCount + " events: warming up");
    for (int i = 0; i < 30; i++) render(http, dashboard, adminCookie);
    List<Double> server = new ArrayList<>();
    List<Double> client = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; i < renders; i++) {
      double[] t = render(http, dashboard, adminCookie);
      server.add(t[0]);
      client.add(t[1]);
      bytes = (int) t[2];
    }
    List<Double> stuckServer = new ArrayList<>();
    for (int i = 0; i < Math.max(10, renders / 4); i++) stuckServer.add(render(http, dashboard + "?show=stuck", adminCookie)[0]);

    System.err.println("bench: live updates: " + updates + " card views by seeded learners, one at a time");
    Map<String, Long> arrived = new ConcurrentHashMap<>();
    CountDownLatch open = new CountDownLatch(1);
    HttpRequest sse = HttpRequest.newBuilder(URI.create(dashboard + "/live"))
        .header("Cookie", "pocketlab_session=" + adminCookie).header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> stream = http.send(sse, HttpResponse.BodyHandlers.ofLines());
    if (stream.statusCode() != 200) throw new IllegalStateException("live stream: HTTP " + stream.statusCode());
    Thread reader = new Thread(() -> {
      try (Stream<String> lines = stream.body()) {
        for (String line : (Iterable<String>) lines::iterator) {
          open.countDown();
          Matcher m = ROW.matcher(line);
          if (m.find()) arrived.put(m.group(1), System.nanoTime());
        }
      } catch (RuntimeException e) {
        // closed at the end
      }
    }, "sse-reader");
    reader.setDaemon(true);
    reader.start();
    if (!open.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the live stream sent nothing");
    List<Double> live = new ArrayList<>();
    int missed = 0;
    for (int i = 0; i < updates; i++) {
      String[] learner = learners.get(i % learners.size());
      String card = cardPaths.get(RANDOM.nextInt(cardPaths.size()));
      arrived.remove(learner[0]);
      long began = System.nanoTime();
      HttpResponse<Void> view = http.send(HttpRequest.newBuilder(URI.create(app + "/courses/" + COURSE + "/cards/" + card))
          .header("Cookie", "pocketlab_session=" + learner[1]).GET().build(), HttpResponse.BodyHandlers.discarding());
      if (view.statusCode() != 200) throw new IllegalStateException("card view: HTTP " + view.statusCode());
      long deadline = began + UPDATE_TIMEOUT.toNanos();
      Long at;
      while ((at = arrived.get(learner[0])) == null && System.nanoTime() < deadline) Thread.sleep(0, 200_000);
      if (at == null) missed++;
      else live.add((at - began) / 1e6);
      Thread.sleep(20);
    }
    stream.body().close();

    System.out.printf(Locale.ROOT, "%nDashboard of a cohort of %d learners × %d cards, %d events in the database "
        + "(page 1: %d learners, %d KB of HTML)%n", learnerCount, cardPaths.size(), eventCount, Math.min(100, learnerCount),
        bytes / 1024);
    System.out.printf("| %-52s | %7s | %8s | %8s | %8s | %8s |%n", "measurement", "samples", "p50 ms", "p99 ms", "max ms",
        "target");
    System.out.printf("|%s|%s|%s|%s|%s|%s|%n", "-".repeat(54), "-".repeat(9), "-".repeat(10), "-".repeat(10),
        "-".repeat(10), "-".repeat(10));
    row("dashboard render, server time (Server-Timing)", server, "< 200");
    row("dashboard response, as the client sees it", client, "");
    row("dashboard, stuck learners only, server time", stuckServer, "< 200");
    row("live update: card view -> row on the open dashboard", live, "< 1000");
    if (missed > 0) System.out.println("live updates missed (none within " + UPDATE_TIMEOUT.toSeconds() + " s): " + missed);
  }

  static void row(String name, List<Double> samples, String target) {
    List<Double> s = new ArrayList<>(samples);
    s.sort(null);
    System.out.printf(Locale.ROOT, "| %-52s | %7d | %8.1f | %8.1f | %8.1f | %8s |%n", name, s.size(), pct(s, 50),
        pct(s, 99), s.isEmpty() ? Double.NaN : s.get(s.size() - 1), target);
  }

  static double pct(List<Double> sorted, int p) {
    if (sorted.isEmpty()) return Double.NaN;
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /** {server ms from Server-Timing, client ms, bytes} */
  static double[] render(HttpClient http, String url, String cookie) throws Exception {
    long began = System.nanoTime();
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", "pocketlab_session=" + cookie)
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    double client = (System.nanoTime() - began) / 1e6;
    if (r.statusCode() != 200) throw new IllegalStateException(url + ": HTTP " + r.statusCode());
    Matcher m = SERVER_TIMING.matcher(r.headers().firstValue("Server-Timing").orElse(""));
    if (!m.find()) throw new IllegalStateException("no Server-Timing header");
    return new double[] {Double.parseDouble(m.group(1)), client, r.body().length};
  }

  /** A session for {@code person}, as the server stores them; returns the cookie value. */
  static String session(Connection db, UUID person) throws Exception {
    String cookie = token();
    try (PreparedStatement s = db.prepareStatement("INSERT INTO web_session (id_hash, user_id, csrf_token, id_token, "
        + "access_expires_at, created_at, last_seen_at) VALUES (?, ?, ?, 'bench', ?, now(), now())")) {
      s.setString(1, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cookie.getBytes(StandardCharsets.US_ASCII))));
      s.setObject(2, person);
      s.setString(3, token());
      s.setObject(4, OffsetDateTime.now().plusDays(1));
      s.executeUpdate();
    }
    return cookie;
  }

  static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
