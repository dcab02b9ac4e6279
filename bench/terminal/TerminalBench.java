// The client of bench/terminal/run: keystroke echo, terminal throughput and Run latency, Pocketlab side by side
// with terminado and with a direct bubblewrap launch. One file, JDK only, run with the source launcher:
//
//   java bench/terminal/TerminalBench.java --app http://localhost:PORT --terminado ws://127.0.0.1:PORT/websocket \
//       --server-pid PID [--keystrokes 1000] [--megabytes 100] [--runs 50] [--user learner1 --password learner1]
//
// Prints progress on stderr and the result table (markdown) on stdout. Every wait is bounded.

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public class TerminalBench {
  static final String COURSE = "django-pocket-book";
  static final String RUN_PATH = "/courses/" + COURSE + "/cards/1-what-is-django/examples/1/run";
  /** What the server runs for that example: RunScript.of(recipe) for labs/django-pocket-book/1.md, example 1. */
  static final String RUN_SCRIPT = "set -e -o pipefail\nPS4='$ '\nset -x\npython -V\npython -m django --version\n";
  /** LocalSandboxRuntime.JOIN_CGROUPS: the first step of the server's launcher chain when it uses cgroups. */
  static final String JOIN_CGROUPS =
      "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"";
  static final int COLS = 100;
  static final int ROWS = 30;
  /**
   * Keys typed before measuring, per terminal: enough for the JVM to compile the server's keystroke path (with
   * 100, the measured keys ran partly interpreted while the compiler threads competed for the two cores).
   */
  static final int ECHO_WARMUP = 2000;
  static final int CLEAR_EVERY = 50;
  static final int CLEAR_QUIET_MS = 100;
  static final int RUN_WARMUP = 5;
  static final int THROUGHPUT_ROUNDS = 5;
  static final String MARKER = "TB_42_END"; // typed as TB_$((6*7))_END, so the echoed command never matches
  static final Duration KEY_TIMEOUT = Duration.ofSeconds(5);

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    String app = required(opt, "app");
    String terminadoUrl = required(opt, "terminado");
    long serverPid = Long.parseLong(required(opt, "server-pid"));
    int keystrokes = intOption(opt, "keystrokes", 1000, 1, 100_000);
    int megabytes = intOption(opt, "megabytes", 100, 1, 10_000);
    int runs = intOption(opt, "runs", 50, 1, 10_000);
    String user = opt.getOrDefault("user", "learner1");
    String password = opt.getOrDefault("password", "learner1");

    log("signing in as %s through Keycloak's login form", user);
    Session session = SignIn.signIn(app, user, password);
    log("signed in (session cookie, CSRF token)");

    Results r = new Results();
    r.keystrokes = keystrokes;
    r.megabytes = megabytes;
    r.runs = runs;

    // 1 + 2: terminals, both open at once and measured in turns, so that background load (this machine is
    // shared: Keycloak, PostgreSQL, other work) falls on both alike. Pocketlab's first connection also starts
    // the learner's sandbox.
    URI pocketlabWs = URI.create(app.replaceFirst("^http", "ws") + "/courses/" + COURSE + "/terminal?cols=" + COLS
        + "&rows=" + ROWS);
    try (Term p = Term.pocketlab(pocketlabWs, session, app); Term t = Term.terminado(URI.create(terminadoUrl))) {
      long[][] echo = echo(new Term[] {p, t}, keystrokes);
      r.pocketlabEcho = echo[0];
      r.terminadoEcho = echo[1];
      Throughput[] out = throughput(new Term[] {p, t}, megabytes);
      r.pocketlabThroughput = out[0];
      r.terminadoThroughput = out[1];
    }

    // 3: Run vs the same sandboxed command launched directly.
    Direct direct = Direct.fromServer(serverPid);
    r.directNote = direct.note;
    RunTimes[] times = runs(app, session, direct, runs);
    r.pocketlabRun = times[0];
    r.directRun = times[1];
    r.bareRun = times[2];

    System.out.print(r.table());
  }

  // ------------------------------------------------------------------------------------------------ echo

  /**
   * Keystroke echo round trips in nanoseconds, per terminal: ECHO_WARMUP unmeasured, then n measured, one key
   * to each terminal in turn (the order alternating), each sent only once the previous one was echoed.
   */
  static long[][] echo(Term[] terms, int n) throws Exception {
    log("keystroke echo: %d warm-up + %d measured keys per terminal, in turns", ECHO_WARMUP, n);
    long[][] samples = new long[terms.length][n];
    for (Term t : terms) t.clearLine();
    int total = ECHO_WARMUP + n;
    for (int i = 0; i < total; i++) {
      for (int j = 0; j < terms.length; j++) {
        int k = i % 2 == 0 ? j : terms.length - 1 - j;
        Term t = terms[k];
        if (i > 0 && i % CLEAR_EVERY == 0) t.clearLine();
        char c = (char) ('a' + i % 26);
        String key = String.valueOf(c);
        t.tracker.expect(key);
        long sent = System.nanoTime();
        t.send(key);
        long echoed = t.tracker.awaitFound(KEY_TIMEOUT);
        if (echoed < 0) {
          throw new IllegalStateException(t.name + ": no echo of '" + c + "' within " + KEY_TIMEOUT.toSeconds()
              + " s (keystroke " + i + "); last output: " + printable(t.tracker.recent()) + t.tracker.closedNote());
        }
        if (i >= ECHO_WARMUP) samples[k][i - ECHO_WARMUP] = echoed - sent;
      }
    }
    for (int k = 0; k < terms.length; k++) {
      terms[k].clearLine();
      Arrays.sort(samples[k]);
      log("%s: echo p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms", terms[k].name, ms(pct(samples[k], 50)),
          ms(pct(samples[k], 90)), ms(pct(samples[k], 99)), ms(pct(samples[k], 100)));
    }
    return samples;
  }

  // ---------------------------------------------------------------------------------------------- output

  record Throughput(long bytes, long nanos, long expectedBytes, boolean complete, int frames) {
    double mbPerSecond() {
      return bytes / 1e6 / (nanos / 1e9);
    }
  }

  /**
   * {@code head -c N /dev/zero | base64} with N = megabytes * 750,000: exactly megabytes * 10^6 characters. A
   * 5 MB warm-up each, then THROUGHPUT_ROUNDS rounds of one flood per terminal (order alternating); the round
   * with the median MB/s counts.
   */
  static Throughput[] throughput(Term[] terms, int megabytes) throws Exception {
    int warm = Math.min(megabytes, 5);
    for (Term t : terms) {
      log("%s: throughput warm-up, %d MB", t.name, warm);
      flood(t.name, t, warm);
    }
    Throughput[][] rounds = new Throughput[terms.length][THROUGHPUT_ROUNDS];
    for (int round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (int j = 0; j < terms.length; j++) {
        int k = round % 2 == 0 ? j : terms.length - 1 - j;
        Term t = terms[k];
        Throughput result = flood(t.name, t, megabytes);
        rounds[k][round] = result;
        if (result.complete) {
          log("%s: %d MB, round %d: %d bytes in %.2f s: %.1f MB/s, %d frames (%.0f bytes each)", t.name, megabytes,
              round + 1, result.bytes, result.nanos / 1e9, result.mbPerSecond(), result.frames,
              (double) result.bytes / result.frames);
        }
      }
    }
    Throughput[] median = new Throughput[terms.length];
    for (int k = 0; k < terms.length; k++) {
      Throughput[] sorted = rounds[k].clone();
      Arrays.sort(sorted, java.util.Comparator.comparingDouble(x -> x.complete ? x.mbPerSecond() : -1));
      median[k] = sorted[sorted.length / 2];
    }
    return median;
  }

  static Throughput flood(String name, Term t, int megabytes) throws Exception {
    long chars = megabytes * 1_000_000L;
    long lines = (chars + 75) / 76; // base64 wraps at 76 columns; the PTY turns every \n into \r\n
    long expected = chars + 2 * lines;
    String command = "head -c " + (megabytes * 750_000L) + " /dev/zero | base64; echo TB_$((6*7))_END";
    t.clearLine();
    t.send(command);
    t.tracker.awaitQuiet(Duration.ofMillis(150), Duration.ofSeconds(5));
    t.tracker.expect(MARKER);
    long before = t.tracker.received();
    int framesBefore = t.tracker.frames();
    long start = System.nanoTime();
    t.send("\r");
    Duration limit = Duration.ofSeconds(30 + 2L * megabytes);
    long found = t.tracker.awaitFound(limit);
    if (found < 0) {
      t.send("\u0003"); // Ctrl-C, then leave it
      t.tracker.awaitQuiet(Duration.ofMillis(300), Duration.ofSeconds(10));
      log("%s: the output did not end within %d s%s", name, limit.toSeconds(), t.tracker.closedNote());
      return new Throughput(t.tracker.received() - before, limit.toNanos(), expected, false,
          t.tracker.frames() - framesBefore);
    }
    long bytes = t.tracker.receivedAt(found) - before;
    int frames = t.tracker.framesAt(found) - framesBefore;
    t.tracker.awaitQuiet(Duration.ofMillis(200), Duration.ofSeconds(10)); // the prompt again
    if (bytes < expected) {
      log("%s: WARNING: %d bytes received, at least %d expected: output was lost", name, bytes, expected);
    }
    return new Throughput(bytes, found - start, expected, bytes >= expected, frames);
  }

  // ------------------------------------------------------------------------------------------------- run

  record RunTimes(long[] firstOut, long[] python) {}

  /**
   * n rounds after RUN_WARMUP, each one Pocketlab Run, one direct launch with the sandbox's cgroups, one without
   * (interleaved, so that background load falls on all three alike). Times to the first output byte and to the
   * "Python 3" line.
   */
  static RunTimes[] runs(String app, Session session, Direct direct, int n) throws Exception {
    log("Run: %d warm-up + %d measured rounds of: Pocketlab Run, direct launch, direct launch without cgroups",
        RUN_WARMUP, n);
    log("direct launch: %s", direct.note);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    long[][] first = new long[3][n];
    long[][] python = new long[3][n];
    for (int i = 0; i < RUN_WARMUP + n; i++) {
      long[][] round = {pocketlabRun(client, app, session), Direct.once(direct.argv), Direct.once(direct.bare)};
      if (i < RUN_WARMUP) continue;
      for (int k = 0; k < 3; k++) {
        first[k][i - RUN_WARMUP] = round[k][0];
        python[k][i - RUN_WARMUP] = round[k][1];
      }
    }
    RunTimes[] result = new RunTimes[3];
    String[] names = {"Pocketlab Run", "direct launch", "direct launch without cgroups"};
    for (int k = 0; k < 3; k++) {
      Arrays.sort(first[k]);
      Arrays.sort(python[k]);
      result[k] = new RunTimes(first[k], python[k]);
      log("%s: first output p50 %.1f ms, p99 %.1f ms", names[k], ms(pct(first[k], 50)), ms(pct(first[k], 99)));
    }
    return result;
  }

  /** One Run: request to the first {"out":…} byte and to the "Python 3" line, in nanoseconds. */
  static long[] pocketlabRun(HttpClient client, String app, Session session) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(app + RUN_PATH))
        .timeout(Duration.ofSeconds(90))
        .header("Cookie", "pocketlab_session=" + session.cookie)
        .header("X-CSRF-Token", session.csrf)
        .header("Origin", app)
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
    long start = System.nanoTime();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long[] t = new long[2];
    String body;
    try (InputStream in = response.body()) {
      body = readMarks(in, new String[] {"{\"out\":", "Python 3"}, t, Duration.ofSeconds(90));
    }
    if (response.statusCode() != 200 || t[0] == 0 || t[1] == 0 || !body.contains("\"exit\":{\"code\":0")) {
      throw new IllegalStateException("Run answered " + response.statusCode() + ": " + printable(body));
    }
    return new long[] {t[0] - start, t[1] - start};
  }

  /**
   * Reads a stream to its end, recording in {@code at[i]} when {@code marks[i]} was first seen (nanoTime of the
   * read that completed it). Returns what was read (the first 64 KB).
   */
  static String readMarks(InputStream in, String[] marks, long[] at, Duration limit) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      long now = System.nanoTime();
      if (seen.length() < 65536) seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      for (int i = 0; i < marks.length; i++) {
        if (at[i] == 0 && seen.indexOf(marks[i]) >= 0) at[i] = now;
      }
      if (now > deadline) throw new IOException("no end of output within " + limit.toSeconds() + " s");
    }
    return seen.toString();
  }

  /**
   * The same sandboxed command launched directly: the exact bubblewrap arguments of the learner's running
   * sandbox (read from the holder process the server started), the launcher chain of LocalSandboxRuntime
   * (sh when the server uses cgroups, prlimit, nsenter into the sandbox's network and setpriv when the sandbox
   * has its own host uid), and the script the server runs for the example.
   */
  static final class Direct {
    final List<String> argv;
    /** The same without the first step (joining the sandbox's cgroups). */
    final List<String> bare;
    final String note;

    Direct(List<String> argv, List<String> bare, String note) {
      this.argv = argv;
      this.bare = bare;
      this.note = note;
    }

    static Direct fromServer(long serverPid) throws IOException {
      ProcessHandle holder = ProcessHandle.of(serverPid).orElseThrow(() -> new IllegalStateException(
              "the server (pid " + serverPid + ") is not running")).children()
          .filter(p -> p.info().command().orElse("").endsWith("/bwrap")
              && String.join(" ", p.info().arguments().orElse(new String[0])).contains("sleep infinity"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no sandbox holder (bwrap ... sleep infinity) under the"
              + " server's pid " + serverPid));
      List<String> bwrap = new ArrayList<>();
      bwrap.add(holder.info().command().orElseThrow());
      bwrap.addAll(Arrays.asList(holder.info().arguments().orElseThrow()));
      int dashes = bwrap.lastIndexOf("--");
      if (dashes < 0) throw new IllegalStateException("unexpected holder command line: " + bwrap);
      bwrap = new ArrayList<>(bwrap.subList(0, dashes + 1));
      bwrap.addAll(List.of("bash", "-c", RUN_SCRIPT));

      long hostUid = statusField(holder.pid(), "Uid:");
      long ourUid = statusField(ProcessHandle.current().pid(), "Uid:");
      List<String> procs = sandboxCgroups(holder.pid());

      List<String> argv = new ArrayList<>();
      List<String> chain = new ArrayList<>();
      if (!procs.isEmpty()) { // the server joins the sandbox's cgroups first: so do we, the same ones
        argv.addAll(List.of("/bin/sh", "-c", JOIN_CGROUPS, "pocketlab-sandbox"));
        argv.addAll(procs);
        argv.add("--");
        chain.add("sh (joins the sandbox's " + procs.size() + " cgroups)");
      }
      // As LocalSandboxRuntime.launcher for a run with the default settings: 64 MB files, 128 processes with a
      // uid of its own, 512 MB address space unless a memory cgroup counts, the 60 s wall time as CPU seconds
      // unless a cpu cgroup limits.
      argv.addAll(List.of("/usr/bin/prlimit", "--core=0", "--fsize=" + 64L * 1024 * 1024, "--nofile=4096"));
      if (hostUid != ourUid) argv.add("--nproc=128");
      if (!controls(procs, "memory")) argv.add("--as=" + 512L * 1024 * 1024);
      if (!controls(procs, "cpu")) argv.add("--cpu=60");
      argv.add("--");
      chain.add("prlimit");
      if (hostUid != ourUid) { // a root server: its execs join the sandbox's network, that of the holder's child
        long inner = holder.children().findFirst().orElseThrow(() -> new IllegalStateException(
            "the sandbox holder has no child")).pid();
        argv.addAll(List.of("/usr/bin/nsenter", "--net=/proc/" + inner + "/ns/net", "--"));
        chain.add("nsenter (the sandbox's network)");
        bwrap.add(bwrap.indexOf("--unshare-all") + 1, "--share-net");
        argv.addAll(List.of("/usr/bin/setpriv", "--reuid=" + hostUid, "--regid=" + hostUid, "--clear-groups",
            "--no-new-privs", "--"));
        chain.add("setpriv (uid " + hostUid + ")");
      }
      chain.add("bwrap (" + (bwrap.size() - 4) + " arguments of the running sandbox) bash -c <the Run's script>");
      argv.addAll(bwrap);
      List<String> bare = procs.isEmpty() ? argv : argv.subList(argv.indexOf("--") + 1, argv.size());
      return new Direct(argv, List.copyOf(bare), String.join(" → ", chain));
    }

    /** One launch: spawn to the first output byte and to the "Python 3" line, in nanoseconds. */
    static long[] once(List<String> argv) throws Exception {
      ProcessBuilder b = new ProcessBuilder(argv).redirectErrorStream(true).directory(new java.io.File("/"));
      b.environment().clear(); // as LocalSandboxRuntime.launchEnvironment
      b.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      b.environment().put("LANG", "C.UTF-8");
      long start = System.nanoTime();
      Process p = b.start();
      p.getOutputStream().close();
      long[] t = new long[2];
      String out;
      try (InputStream in = p.getInputStream()) {
        out = readMarks(in, new String[] {"", "Python 3"}, t, Duration.ofSeconds(60));
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("the direct bwrap run did not end");
      }
      if (p.exitValue() != 0 || t[1] == 0) {
        throw new IllegalStateException("the direct bwrap run failed (" + p.exitValue() + "): " + out
            + "\ncommand: " + argv);
      }
      return new long[] {t[0] - start, t[1] - start};
    }

    private static boolean controls(List<String> procs, String controller) {
      return procs.stream().anyMatch(f -> f.startsWith("/sys/fs/cgroup/" + controller + "/")
          || f.matches("/sys/fs/cgroup/[^/]*,?" + controller + "(,[^/]*)?/.*")
          || !f.matches("/sys/fs/cgroup/[a-z_,]+/.*")); // v2: one hierarchy with every controller
    }

    /** The cgroup.procs files of the cgroups the server made for the holder's sandbox (pocketlab-…). */
    private static List<String> sandboxCgroups(long pid) throws IOException {
      List<String> files = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
        String[] f = line.split(":", 3); // id:controllers:path; v2 is 0::path
        if (f.length < 3 || !f[2].contains("/pocketlab-")) continue;
        Path dir = Path.of("/sys/fs/cgroup" + (f[1].isEmpty() ? "" : "/" + f[1]) + f[2]);
        if (Files.isWritable(dir.resolve("cgroup.procs"))) files.add(dir.resolve("cgroup.procs").toString());
      }
      return files;
    }

    private static long statusField(long pid, String field) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
      throw new IOException(field + " not in /proc/" + pid + "/status");
    }
  }

  // ------------------------------------------------------------------------------------------- terminals

  /** A terminal over a WebSocket: Pocketlab's protocol or terminado's. */
  abstract static class Term implements AutoCloseable, WebSocket.Listener {
    final Tracker tracker = new Tracker();
    final String name;
    final StringBuilder text = new StringBuilder();
    WebSocket ws;

    Term(String name) {
      this.name = name;
    }

    static Term pocketlab(URI uri, Session session, String origin) throws Exception {
      PocketlabTerm t = new PocketlabTerm();
      t.open(uri, Map.of("Cookie", "pocketlab_session=" + session.cookie, "Origin", origin));
      if (!t.ready.await(Duration.ofSeconds(90))) {
        throw new IllegalStateException("Pocketlab terminal: no \"ready\" status within 90 s; statuses: "
            + t.statuses + t.tracker.closedNote());
      }
      t.awaitPrompt();
      return t;
    }

    static Term terminado(URI uri) throws Exception {
      TerminadoTerm t = new TerminadoTerm();
      t.open(uri, Map.of());
      if (!t.setup.await(Duration.ofSeconds(30))) throw new IllegalStateException("terminado: no setup message");
      t.ws.sendText("[\"set_size\", " + ROWS + ", " + COLS + "]", true).get(10, TimeUnit.SECONDS);
      t.awaitPrompt();
      return t;
    }

    void open(URI uri, Map<String, String> headers) throws Exception {
      // Frames are handled on the client's selector thread, with no hand-over to a pool: one wake-up less of the
      // client's own in every key's time, on both sides.
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(Runnable::run).build();
      WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
      headers.forEach(b::header);
      ws = b.buildAsync(uri, this).get(30, TimeUnit.SECONDS);
    }

    void awaitPrompt() throws InterruptedException {
      if (!tracker.awaitFrames(1, Duration.ofSeconds(30))) {
        throw new IllegalStateException(name + ": the shell printed nothing within 30 s (no prompt)"
            + tracker.closedNote());
      }
      tracker.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(30));
      String recent = tracker.recent().stripTrailing();
      if (!recent.endsWith("$") && !recent.endsWith("#")) {
        log("%s: WARNING: the output does not end like a prompt: %s", name, printable(recent));
      }
    }

    /**
     * Ctrl-U (kill the line), then wait for readline's redraw to finish: its first frame, then 100 ms of quiet
     * (more than Linux's 40 ms delayed ACK, so that a redraw frame held back by Nagle's algorithm on a server
     * that leaves it on, as Tornado does, is not mistaken for the next keystroke's echo).
     */
    void clearLine() throws Exception {
      int before = tracker.frames();
      send("\u0015");
      tracker.awaitFrames(before + 1, Duration.ofSeconds(2));
      tracker.awaitQuiet(Duration.ofMillis(CLEAR_QUIET_MS), Duration.ofSeconds(2));
    }

    abstract void send(String keys) throws Exception;

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      tracker.closed(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      tracker.closed("error: " + error);
    }

    @Override
    public void close() {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort();
      }
    }
  }

  /** Binary frames both ways are terminal bytes; text frames from the server are JSON status. */
  static final class PocketlabTerm extends Term {
    final Latch ready = new Latch();
    final List<String> statuses = new ArrayList<>();

    PocketlabTerm() {
      super("Pocketlab");
    }

    @Override
    void send(String keys) throws Exception {
      ws.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true).get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      long now = System.nanoTime();
      int n = data.remaining();
      String chunk;
      if (data.hasArray()) {
        chunk = new String(data.array(), data.arrayOffset() + data.position(), n, StandardCharsets.ISO_8859_1);
      } else {
        byte[] bytes = new byte[n];
        data.get(bytes);
        chunk = new String(bytes, StandardCharsets.ISO_8859_1);
      }
      tracker.feed(chunk, n, now);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String status = text.toString();
        text.setLength(0);
        synchronized (statuses) {
          statuses.add(status);
        }
        if (status.contains("\"state\":\"ready\"")) ready.open();
      }
      webSocket.request(1);
      return null;
    }
  }

  /** terminado: JSON text frames, ["stdin", "…"] in, ["stdout", "…"] out. */
  static final class TerminadoTerm extends Term {
    final Latch setup = new Latch();

    TerminadoTerm() {
      super("terminado");
    }

    @Override
    void send(String keys) throws Exception {
      ws.sendText("[\"stdin\", " + jsonString(keys) + "]", true).get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long now = System.nanoTime();
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        if (message.startsWith("[\"stdout\",")) {
          String out = decodeJsonString(message, message.indexOf('"', 10));
          tracker.feed(out, utf8Length(out), now);
        } else if (message.startsWith("[\"setup\"")) {
          setup.open();
        } else if (message.startsWith("[\"disconnect\"")) {
          tracker.closed("terminado: " + message);
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  /**
   * What a terminal printed: a byte count, the last few KB, and one string to wait for (a keystroke's echo, the
   * end marker), noted with the time of the frame that completed it. Fed from the WebSocket thread.
   */
  static final class Tracker {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long received;
    private int frames;
    private long lastFrameAt = System.nanoTime();
    private String want;
    private long foundAt = -1;
    private long receivedAtFound;
    private int framesAtFound;
    private String tail = "";
    private final StringBuilder recent = new StringBuilder();
    private String closed;

    void feed(String chunk, long bytes, long now) {
      lock.lock();
      try {
        received += bytes;
        frames++;
        lastFrameAt = now;
        if (want != null && foundAt < 0) {
          int k = want.length();
          boolean found;
          if (k == 1) {
            found = chunk.indexOf(want.charAt(0)) >= 0;
          } else {
            String edge = tail + chunk.substring(0, Math.min(chunk.length(), k - 1));
            found = edge.contains(want) || chunk.contains(want);
            String joined = chunk.length() >= k - 1 ? chunk.substring(chunk.length() - (k - 1)) : tail + chunk;
            tail = joined.substring(Math.max(0, joined.length() - (k - 1)));
          }
          if (found) {
            foundAt = now;
            receivedAtFound = received;
            framesAtFound = frames;
          }
        }
        if (chunk.length() >= 4096) {
          recent.setLength(0);
          recent.append(chunk, chunk.length() - 4096, chunk.length());
        } else {
          recent.append(chunk);
          if (recent.length() > 8192) recent.delete(0, recent.length() - 4096);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void expect(String s) {
      lock.lock();
      try {
        want = s;
        foundAt = -1;
        tail = "";
      } finally {
        lock.unlock();
      }
    }

    /** The nanoTime of the frame that completed the expected string, or -1 after the timeout. */
    long awaitFound(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      lock.lock();
      try {
        while (foundAt < 0 && closed == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return -1;
          changed.awaitNanos(left);
        }
        return foundAt;
      } finally {
        lock.unlock();
      }
    }

    /** The byte count when the expected string was found. */
    long receivedAt(long found) {
      lock.lock();
      try {
        return receivedAtFound;
      } finally {
        lock.unlock();
      }
    }

    /** Waits until at least {@code n} frames have arrived; false after the timeout. */
    boolean awaitFrames(int n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      lock.lock();
      try {
        while (frames < n && closed == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return false;
          changed.awaitNanos(left);
        }
        return frames >= n;
      } finally {
        lock.unlock();
      }
    }

    /** Waits until nothing has arrived for {@code quiet} (at most {@code max}). */
    void awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
      long deadline = System.nanoTime() + max.toNanos();
      lock.lock();
      try {
        while (closed == null) {
          long now = System.nanoTime();
          long silentFor = now - lastFrameAt;
          if (silentFor >= quiet.toNanos() || now >= deadline) return;
          changed.awaitNanos(Math.min(quiet.toNanos() - silentFor, deadline - now));
        }
      } finally {
        lock.unlock();
      }
    }

    int framesAt(long found) {
      lock.lock();
      try {
        return framesAtFound;
      } finally {
        lock.unlock();
      }
    }

    long received() {
      lock.lock();
      try {
        return received;
      } finally {
        lock.unlock();
      }
    }

    int frames() {
      lock.lock();
      try {
        return frames;
      } finally {
        lock.unlock();
      }
    }

    String recent() {
      lock.lock();
      try {
        return recent.toString();
      } finally {
        lock.unlock();
      }
    }

    void closed(String why) {
      lock.lock();
      try {
        if (closed == null) closed = why;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    String closedNote() {
      lock.lock();
      try {
        return closed == null ? "" : " (socket closed: " + closed + ")";
      } finally {
        lock.unlock();
      }
    }
  }

  static final class Latch {
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    void open() {
      done.complete(null);
    }

    boolean await(Duration timeout) throws InterruptedException {
      try {
        done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ sign-in

  record Session(String cookie, String csrf) {}

  /**
   * Signs in like a browser, through Keycloak's real login form (as server/src/test/.../TestKeycloak.login and
   * Browser.signIn): /auth/login → Keycloak (authorization request with PKCE, made by the server) → the login
   * form → its action with the Keycloak cookies → back to /auth/callback → the page, whose forms carry _csrf.
   */
  static final class SignIn {
    private static final Pattern LOGIN_FORM =
        Pattern.compile("<form\\b[^>]*\\bid=\"kc-form-login\"[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    static Session signIn(String app, String user, String password) throws Exception {
      BrowserCookies cookies = new BrowserCookies();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
      String returnPath = "/courses/" + COURSE + "/cards/1-what-is-django";
      HttpResponse<String> start = get(client, URI.create(app + "/auth/login?return="
          + URLEncoder.encode(returnPath, StandardCharsets.UTF_8)));
      URI authorize = URI.create(location(start, "GET /auth/login"));
      HttpResponse<String> page = get(client, authorize);
      for (int hops = 0; hops < 10 && isRedirect(page); hops++) {
        page = get(client, page.uri().resolve(location(page, "Keycloak")));
      }
      String action = formAction(page.body());
      if (page.statusCode() != 200 || action == null) {
        throw new IllegalStateException("Keycloak did not show its login form: " + page.statusCode());
      }
      Map<String, String> form = new LinkedHashMap<>();
      form.put("username", user);
      form.put("password", password);
      form.put("credentialId", "");
      String body = form.entrySet().stream()
          .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
              + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
      HttpResponse<String> posted = send(client, HttpRequest.newBuilder(authorize.resolve(action))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build());
      String back = location(posted, "the login form (wrong password?)");
      HttpResponse<String> callback = get(client, URI.create(app).resolve(back));
      HttpResponse<String> landed = get(client, URI.create(app).resolve(location(callback, "/auth/callback")));
      Matcher csrf = CSRF.matcher(landed.body());
      if (landed.statusCode() != 200 || !csrf.find()) {
        throw new IllegalStateException("no CSRF token on the page after signing in (" + landed.statusCode() + ")");
      }
      String session = cookies.store().get(URI.create(app)).stream()
          .filter(c -> c.getName().equals("pocketlab_session") && !c.getValue().isEmpty())
          .map(HttpCookie::getValue).findFirst()
          .orElseThrow(() -> new IllegalStateException("no pocketlab_session cookie after signing in"));
      return new Session(session, csrf.group(1));
    }

    private static String formAction(String html) {
      Matcher form = LOGIN_FORM.matcher(html == null ? "" : html);
      if (!form.find()) return null;
      Matcher action = ACTION.matcher(form.group());
      return action.find() ? action.group(1).replace("&amp;", "&") : null;
    }

    private static boolean isRedirect(HttpResponse<?> r) {
      return List.of(301, 302, 303, 307, 308).contains(r.statusCode());
    }

    private static String location(HttpResponse<String> r, String what) {
      if (!isRedirect(r)) throw new IllegalStateException(what + " answered " + r.statusCode() + ", not a redirect");
      return r.headers().firstValue("Location").orElseThrow();
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
      return send(client, HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * Cookies as a browser keeps them on loopback: Keycloak marks its cookies Secure even over http, which
   * browsers still send to http://localhost and java.net.CookieManager does not; the obsolete Version=1 would
   * make the JDK send $Version cookies. Both attributes are dropped (as TestKeycloak.BrowserCookies does).
   */
  static final class BrowserCookies extends CookieHandler {
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

    java.net.CookieStore store() {
      return cookies.getCookieStore();
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
      return cookies.get(uri, headers);
    }

    @Override
    public void put(URI uri, Map<String, List<String>> headers) throws IOException {
      Map<String, List<String>> rewritten = new LinkedHashMap<>();
      headers.forEach((name, values) -> rewritten.put(name, name != null && name.equalsIgnoreCase("Set-Cookie")
          ? values.stream().map(v -> Stream.of(v.split(";")).filter(part -> {
                String a = part.strip().toLowerCase(Locale.ROOT);
                return !a.startsWith("version=") && !a.equals("secure");
              }).collect(Collectors.joining(";"))).collect(Collectors.toList())
          : values));
      cookies.put(uri, rewritten);
    }
  }

  // ---------------------------------------------------------------------------------------------- results

  static final class Results {
    int keystrokes;
    int megabytes;
    int runs;
    long[] pocketlabEcho;
    long[] terminadoEcho;
    Throughput pocketlabThroughput;
    Throughput terminadoThroughput;
    RunTimes pocketlabRun;
    RunTimes directRun;
    RunTimes bareRun;
    String directNote;

    String table() {
      StringBuilder s = new StringBuilder();
      double pe50 = ms(pct(pocketlabEcho, 50));
      double pe99 = ms(pct(pocketlabEcho, 99));
      double te50 = ms(pct(terminadoEcho, 50));
      double te99 = ms(pct(terminadoEcho, 99));
      double pr50 = ms(pct(pocketlabRun.firstOut, 50));
      double pr99 = ms(pct(pocketlabRun.firstOut, 99));
      double dr50 = ms(pct(directRun.firstOut, 50));
      double dr99 = ms(pct(directRun.firstOut, 99));
      double pp50 = ms(pct(pocketlabRun.python, 50));
      double pp99 = ms(pct(pocketlabRun.python, 99));
      double dp50 = ms(pct(directRun.python, 50));
      double dp99 = ms(pct(directRun.python, 99));
      String pt = mbps(pocketlabThroughput);
      String tt = mbps(terminadoThroughput);
      boolean bothComplete = pocketlabThroughput.complete && terminadoThroughput.complete;
      double tRatio = bothComplete ? pocketlabThroughput.mbPerSecond() / terminadoThroughput.mbPerSecond() : Double.NaN;

      s.append(String.format(Locale.ROOT, "%nTerminal and Run, Pocketlab vs peers on loopback (%d cores shared by all)%n%n",
          Runtime.getRuntime().availableProcessors()));
      s.append("| measurement | Pocketlab | peer | Pocketlab / peer | target |\n");
      s.append("|---|---:|---:|---:|---|\n");
      row(s, "keystroke echo p50, ms (" + keystrokes + " keys)", f3(pe50), f3(te50) + " (terminado)", ratio(pe50, te50), "");
      row(s, "keystroke echo p99, ms", f3(pe99), f3(te99) + " (terminado)", ratio(pe99, te99),
          "p99 ≤ terminado's: " + verdict(pe99 <= te99, String.format(Locale.ROOT, "%+.3f ms", pe99 - te99)));
      row(s, "throughput, MB/s (" + megabytes + " MB base64, median of " + THROUGHPUT_ROUNDS + ")", pt, tt + " (terminado)",
          Double.isNaN(tRatio) ? "n/a" : String.format(Locale.ROOT, "%.2f", tRatio),
          "≥ terminado's: " + (Double.isNaN(tRatio) ? "n/a (a side did not finish)"
              : verdict(tRatio >= 1.0, String.format(Locale.ROOT, "%.0f%%", (tRatio - 1) * 100))));
      row(s, "Run, first output p50, ms (" + runs + " runs)", f1(pr50), f1(dr50) + " (bwrap direct)",
          ratio(pr50, dr50), "overhead p50 ≤ 30 ms: " + verdict(pr50 - dr50 <= 30,
              String.format(Locale.ROOT, "%.1f ms", pr50 - dr50)));
      row(s, "Run, first output p99, ms", f1(pr99), f1(dr99) + " (bwrap direct)", ratio(pr99, dr99),
          String.format(Locale.ROOT, "overhead p99: %.1f ms", pr99 - dr99));
      row(s, "Run, \"Python 3…\" line p50, ms", f1(pp50), f1(dp50) + " (bwrap direct)", ratio(pp50, dp50),
          String.format(Locale.ROOT, "overhead p50: %.1f ms", pp50 - dp50));
      row(s, "Run, \"Python 3…\" line p99, ms", f1(pp99), f1(dp99) + " (bwrap direct)", ratio(pp99, dp99),
          String.format(Locale.ROOT, "overhead p99: %.1f ms", pp99 - dp99));
      s.append(String.format(Locale.ROOT, "%n- throughput: bytes received Pocketlab %d in %d frames, terminado %d in %d"
              + " frames (at least %d expected: %d base64 characters, \\r\\n every 76)%n",
          pocketlabThroughput.bytes, pocketlabThroughput.frames, terminadoThroughput.bytes,
          terminadoThroughput.frames, pocketlabThroughput.expectedBytes, megabytes * 1_000_000L));
      s.append(String.format(Locale.ROOT, "- bwrap direct: %s%n", directNote));
      s.append(String.format(Locale.ROOT, "- the same without joining the sandbox's cgroups: first output p50 %.1f ms,"
              + " p99 %.1f ms; \"Python 3\" line p50 %.1f ms, p99 %.1f ms%n",
          ms(pct(bareRun.firstOut, 50)), ms(pct(bareRun.firstOut, 99)), ms(pct(bareRun.python, 50)),
          ms(pct(bareRun.python, 99))));
      return s.toString();
    }

    private static String verdict(boolean met, String by) {
      return (met ? "met (" : "MISSED (") + by + ")";
    }

    private static String mbps(Throughput t) {
      return t.complete ? String.format(Locale.ROOT, "%.1f", t.mbPerSecond()) : "did not finish";
    }

    private static void row(StringBuilder s, String... cells) {
      s.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
  }

  // --------------------------------------------------------------------------------------------- helpers

  /** Nearest-rank percentile of sorted samples. */
  static long pct(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String ratio(double a, double b) {
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\r' -> b.append("\\r");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /** Decodes the JSON string starting at the quote at {@code open} (Python's json.dumps output). */
  static String decodeJsonString(String s, int open) {
    StringBuilder out = new StringBuilder(s.length());
    int i = open + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') break;
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      char e = s.charAt(i + 1);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
          i += 4;
        }
        default -> out.append(e); // \" \\ \/
      }
      i += 2;
    }
    return out.toString();
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n++;
      else if (c < 0x800) n += 2;
      else if (Character.isSurrogate(c)) n += 2; // a pair makes 4
      else n += 3;
    }
    return n;
  }

  static String printable(String s) {
    String tail = s.length() > 300 ? s.substring(s.length() - 300) : s;
    StringBuilder b = new StringBuilder();
    for (char c : tail.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) b.append(c);
      else b.append(String.format("\\x%02x", (int) c & 0xff));
    }
    return b.toString();
  }

  static void log(String format, Object... args) {
    System.err.println("bench: " + String.format(Locale.ROOT, format, args));
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
      }
      opt.put(args[i].substring(2), args[++i]);
    }
    return opt;
  }

  static String required(Map<String, String> opt, String name) {
    return Optional.ofNullable(opt.get(name)).orElseThrow(() -> new IllegalArgumentException("--" + name + " is required"));
  }

  static int intOption(Map<String, String> opt, String name, int fallback, int min, int max) {
    int v = opt.containsKey(name) ? Integer.parseInt(opt.get(name)) : fallback;
    if (v < min || v > max) throw new IllegalArgumentException("--" + name + " must be " + min + "–" + max);
    return v;
  }
}
