package org.pocketlab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.pocketlab.sandbox.ExitStatus.Reason;

/**
 * What every {@link SandboxRuntime} must do, whatever runs the sandboxes. Subclasses create the runtime (once
 * per class) and may add their own tests. Only POSIX tools are used here ({@code sh}, {@code echo},
 * {@code cat}, {@code sleep}, {@code yes}, {@code stty}): no Django, no bubblewrap specifics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class SandboxRuntimeContract {

  protected static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger ids = new AtomicInteger();

  protected Vertx vertx;
  protected SandboxRuntime runtime;

  /** The runtime under test, started; closed by the contract after the class. */
  protected abstract SandboxRuntime createRuntime(Vertx vertx) throws Exception;

  /** Called after the runtime was closed, e.g. to check that nothing was left behind. */
  protected void afterClose() throws Exception {}

  /** At most this much output may reach a consumer that paused, once the process is killed and it resumes. */
  protected long pausedBufferBound() {
    return 1024 * 1024;
  }

  /** The Vert.x the runtime runs on; NIO unless a runtime's tests choose otherwise. */
  protected Vertx createVertx() {
    return Vertx.vertx();
  }

  @BeforeAll
  void startRuntime() throws Exception {
    vertx = createVertx();
    runtime = createRuntime(vertx);
  }

  @AfterAll
  void closeRuntime() throws Exception {
    try {
      if (runtime != null) await(runtime.close());
      afterClose();
    } finally {
      await(vertx.close());
    }
  }

  // ---------------------------------------------------------------------------------------------- tests

  @Test
  void ensureIsIdempotent() {
    SandboxId id = newId();
    assertEquals(SandboxStatus.NONE, await(runtime.status(id)));
    SandboxInfo first = await(runtime.ensure(id));
    assertEquals(SandboxStatus.RUNNING, first.status());
    assertFalse(first.restarted());
    SandboxInfo again = await(runtime.ensure(id));
    assertEquals(SandboxStatus.RUNNING, again.status());
    assertFalse(again.restarted());
    assertEquals(first.startedAt(), again.startedAt(), "the same run of the sandbox");

    List<Future<SandboxInfo>> concurrent = new ArrayList<>();
    for (int i = 0; i < 4; i++) concurrent.add(runtime.ensure(id));
    for (Future<SandboxInfo> f : concurrent) assertEquals(first.startedAt(), await(f).startedAt());
    assertEquals(SandboxStatus.RUNNING, await(runtime.status(id)));
  }

  @Test
  void execStreamsOutputInOrder() {
    SandboxId id = started();
    Run run = run(id, ExecSpec.of("sh", "-c", "i=1; while [ $i -le 3000 ]; do echo \"line $i\"; i=$((i+1)); done"));
    assertTrue(run.status().succeeded(), run.status().toString());
    String expected = java.util.stream.IntStream.rangeClosed(1, 3000)
        .mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    assertEquals(expected, run.output());

    Run mixed = run(id, ExecSpec.of("sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"));
    assertEquals("out1\nerr1\nout2\nerr2\n", mixed.output(), "stdout and stderr merged, in order");
  }

  @Test
  void exitCodesAndReasons() {
    SandboxId id = started();
    ExitStatus ok = run(id, ExecSpec.of("true")).status();
    assertEquals(0, ok.code());
    assertTrue(ok.succeeded());
    ExitStatus three = run(id, ExecSpec.of("sh", "-c", "exit 3")).status();
    assertEquals(3, three.code());
    assertEquals(Reason.EXITED, three.reason());
    assertFalse(three.succeeded());
    ExitStatus killedItself = run(id, ExecSpec.of("sh", "-c", "kill -9 $$")).status();
    assertEquals(Reason.SIGNALED, killedItself.reason());
    assertEquals(9, killedItself.signal().orElse(-1));
    assertEquals(137, killedItself.code());
    ExitStatus missing = run(id, ExecSpec.of("no-such-command-here")).status();
    assertTrue(missing.code() != 0, "a missing command fails: " + missing);
  }

  @Test
  void stdinReachesTheProcess() {
    SandboxId id = started();
    assertEquals("hello\nworld\n", run(id, ExecSpec.of("cat"), "hello\nworld\n").output());
    String big = "0123456789abcdef\n".repeat(20_000); // 340 KB: more than any pipe holds
    Run echoed = run(id, ExecSpec.of("cat").withOutputLimit(1 << 20), big);
    assertEquals(big.length(), echoed.output().length());
    assertEquals(big, echoed.output());
  }

  @Test
  void workingDirectoryAndEnvironment() {
    SandboxId id = started();
    run(id, ExecSpec.of("mkdir", "-p", "sub/dir"));
    String pwd = run(id, ExecSpec.of("pwd").withWorkingDir("sub/dir")).output().trim();
    assertTrue(pwd.endsWith("/sub/dir"), pwd);
    assertEquals("bar\n", run(id, ExecSpec.of("sh", "-c", "echo $FOO").withEnv("FOO", "bar")).output());
  }

  @Test
  void ptyIsATerminal() {
    SandboxId id = started();
    Run run = run(id, ExecSpec.of("sh", "-c", "tty >/dev/null && echo IN-TTY; test -t 1 && echo OUT-TTY")
        .withPty(80, 24), null);
    assertTrue(run.output().contains("IN-TTY"), run.output());
    assertTrue(run.output().contains("OUT-TTY"), run.output());
    assertTrue(run.output().contains("\r\n"), "the terminal turns \\n into \\r\\n");
  }

  @Test
  void ptyResizeChangesSttySize() throws Exception {
    SandboxId id = started();
    SandboxProcess p = await(runtime.exec(id, ExecSpec.of("sh", "-c", "stty size; read x; stty size")
        .withPty(80, 24)));
    assertTrue(p.isPty());
    Collected out = collect(p);
    out.waitFor("24 80");
    await(p.resize(132, 40));
    await(p.input().write(Buffer.buffer("\n")));
    assertTrue(await(p.exit()).succeeded());
    assertTrue(out.text().contains("40 132"), out.text());
  }

  @Test
  void resizeWithoutPtyFails() {
    SandboxId id = started();
    SandboxProcess p = await(runtime.exec(id, ExecSpec.of("true")));
    assertFalse(p.isPty());
    assertThrows(IllegalStateException.class, () -> await(p.resize(80, 24)));
    collect(p);
    await(p.exit());
  }

  @Test
  void killEndsTheWholeTree() throws Exception {
    SandboxId id = started();
    SandboxProcess p = await(runtime.exec(id, ExecSpec.of("sh", "-c",
        "(i=0; while :; do i=$((i+1)); echo $i > tick; sleep 0.1; done) & sleep 300 & echo started; wait")));
    Collected out = collect(p);
    out.waitFor("started");
    Thread.sleep(300);
    await(p.kill());
    ExitStatus status = await(p.exit());
    assertEquals(Reason.KILLED, status.reason());
    out.awaitEnd();
    String before = run(id, ExecSpec.of("cat", "tick")).output();
    Thread.sleep(600);
    String after = run(id, ExecSpec.of("cat", "tick")).output();
    assertEquals(before, after, "the background loop died with its parent");
    await(p.kill()); // again, after the end: harmless
  }

  @Test
  void stopEndsProcessesAndKeepsFiles() {
    SandboxId id = started();
    run(id, ExecSpec.of("sh", "-c", "echo kept > kept.txt"));
    SandboxProcess sleeper = await(runtime.exec(id, ExecSpec.of("sleep", "300")));
    collect(sleeper);
    await(runtime.stop(id));
    assertEquals(Reason.SANDBOX_STOPPED, await(sleeper.exit()).reason());
    assertEquals(SandboxStatus.STOPPED, await(runtime.status(id)));
    SandboxException notRunning = assertThrows(SandboxException.class,
        () -> await(runtime.exec(id, ExecSpec.of("true"))));
    assertEquals(SandboxException.Kind.NOT_RUNNING, notRunning.kind());
    await(runtime.stop(id)); // stopping a stopped sandbox is fine

    SandboxInfo again = await(runtime.ensure(id));
    assertEquals(SandboxStatus.RUNNING, again.status());
    assertFalse(again.restarted(), "a stop is not a crash");
    assertEquals("kept\n", run(id, ExecSpec.of("cat", "kept.txt")).output());
  }

  @Test
  void execNeedsARunningSandbox() {
    SandboxException e = assertThrows(SandboxException.class,
        () -> await(runtime.exec(newId(), ExecSpec.of("true"))));
    assertEquals(SandboxException.Kind.NOT_RUNNING, e.kind());
  }

  @Test
  void listShowsOwnedSandboxes() {
    SandboxId a = started();
    SandboxId b = started();
    SandboxId never = newId();
    await(runtime.stop(b));
    Map<SandboxId, SandboxStatus> listed = await(runtime.list()).stream()
        .collect(Collectors.toMap(SandboxInfo::id, SandboxInfo::status));
    assertEquals(SandboxStatus.RUNNING, listed.get(a));
    assertEquals(SandboxStatus.STOPPED, listed.get(b));
    assertFalse(listed.containsKey(never));
  }

  @Test
  void resetRestoresTheStarter() {
    SandboxId id = started();
    String before = run(id, ExecSpec.of("sh", "-c", "ls -A | sort")).output();
    run(id, ExecSpec.of("sh", "-c", "echo mine > mine.txt"));
    await(runtime.reset(id));
    assertEquals(SandboxStatus.STOPPED, await(runtime.status(id)));
    await(runtime.ensure(id));
    assertEquals(before, run(id, ExecSpec.of("sh", "-c", "ls -A | sort")).output());
  }

  @Test
  void pausedOutputIsNotRead() throws Exception {
    assertPausedOutputIsNotRead(ExecSpec.of("yes").withOutputLimit(1L << 40));
  }

  @Test
  void pausedTerminalOutputIsNotRead() throws Exception {
    assertPausedOutputIsNotRead(ExecSpec.of("yes").withOutputLimit(1L << 40).withPty(80, 24));
  }

  private void assertPausedOutputIsNotRead(ExecSpec spec) throws Exception {
    SandboxId id = started();
    SandboxProcess p = await(runtime.exec(id, spec));
    AtomicLong bytes = new AtomicLong();
    AtomicInteger items = new AtomicInteger();
    CompletableFuture<Void> end = new CompletableFuture<>();
    p.output().pause();
    p.output().handler(b -> {
      bytes.addAndGet(b.length());
      items.incrementAndGet();
    });
    p.output().endHandler(v -> end.complete(null));
    Thread.sleep(2000);
    assertEquals(0, bytes.get(), "nothing is delivered while paused");

    p.output().fetch(1);
    long until = System.nanoTime() + WAIT.toNanos();
    while (items.get() < 1 && System.nanoTime() < until) Thread.sleep(10);
    Thread.sleep(300);
    assertEquals(1, items.get(), "fetch(1) delivers exactly one item");

    await(p.kill());
    p.output().resume();
    end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(bytes.get() <= pausedBufferBound(),
        "only what was buffered arrives after resume (" + bytes.get() + " bytes), not the flood");
  }

  @Test
  void outputLimitCutsAndKills() {
    SandboxId id = started();
    Run run = run(id, ExecSpec.of("yes").withOutputLimit(10_000));
    assertEquals(Reason.OUTPUT_LIMIT, run.status().reason());
    assertEquals(10_000, run.output().length());
    assertTrue(run.output().startsWith("y\ny\n"));
  }

  @Test
  void terminalOutputLimitCutsAndKills() {
    SandboxId id = started();
    Run run = run(id, ExecSpec.of("yes").withOutputLimit(10_000).withPty(80, 24), null);
    assertEquals(Reason.OUTPUT_LIMIT, run.status().reason());
    assertEquals(10_000, run.output().length());
    assertTrue(run.output().startsWith("y\r\ny\r\n"), run.output().substring(0, 20));
  }

  @Test
  void terminalOutputIsCompleteWhenTheProcessEndsAtOnce() {
    SandboxId id = started();
    Run run = run(id, ExecSpec.of("seq", "1", "30000").withPty(80, 24), null);
    assertTrue(run.status().succeeded(), run.status().toString());
    String expected = java.util.stream.IntStream.rangeClosed(1, 30000)
        .mapToObj(i -> i + "\r\n").collect(Collectors.joining());
    assertEquals(expected.length(), run.output().length(), "every line, up to the last one written before the exit");
    assertEquals(expected, run.output());
  }

  @Test
  void terminalOutputWaitsForAPausedConsumerPastTheExit() throws Exception {
    SandboxId id = started();
    SandboxProcess p = await(runtime.exec(id, ExecSpec.of("seq", "1", "1000").withPty(80, 24)));
    p.output().pause();
    Collected out = collect(p);
    assertTrue(await(p.exit()).succeeded());
    Thread.sleep(500);
    assertEquals("", out.text(), "nothing is delivered while paused");
    p.output().resume();
    String expected = java.util.stream.IntStream.rangeClosed(1, 1000)
        .mapToObj(i -> i + "\r\n").collect(Collectors.joining());
    assertEquals(expected, out.awaitEnd(), "what the process wrote before it ended, all of it");
  }

  @Test
  void wallTimeLimitKillsWithTimeout() {
    SandboxId id = started();
    ExitStatus status = run(id, ExecSpec.of("sleep", "30").withWallTime(Duration.ofSeconds(1))).status();
    assertEquals(Reason.TIMEOUT, status.reason());
    assertTrue(status.duration().compareTo(Duration.ofSeconds(25)) < 0, status.toString());
  }

  @Test
  void outputArrivesOnTheContextThatSetTheHandler() throws Exception {
    assertOutputArrivesOnTheContextThatSetTheHandler(ExecSpec.of("sh", "-c", "echo one; echo two"), "one\ntwo\n");
  }

  /** Here the exec comes from no context and the handler from another one: the terminal's items move there. */
  @Test
  void terminalOutputArrivesOnTheContextThatSetTheHandler() throws Exception {
    assertOutputArrivesOnTheContextThatSetTheHandler(ExecSpec.of("sh", "-c", "echo one; echo two").withPty(80, 24),
        "one\r\ntwo\r\n");
  }

  private void assertOutputArrivesOnTheContextThatSetTheHandler(ExecSpec spec, String expected) throws Exception {
    SandboxId id = started();
    SandboxProcess p = await(runtime.exec(id, spec));
    Context context = vertx.getOrCreateContext();
    AtomicReference<String> wrong = new AtomicReference<>();
    CompletableFuture<String> done = new CompletableFuture<>();
    StringBuilder text = new StringBuilder();
    context.runOnContext(v -> p.output()
        .handler(b -> {
          if (Vertx.currentContext() != context) wrong.set("item on " + Vertx.currentContext());
          text.append(b.toString(StandardCharsets.UTF_8));
        })
        .endHandler(x -> {
          if (Vertx.currentContext() != context) wrong.set("end on " + Vertx.currentContext());
          done.complete(text.toString());
        }));
    assertEquals(expected, done.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertSame(null, wrong.get());
    await(p.exit());
  }

  // -------------------------------------------------------------------------------------------- helpers

  protected SandboxId newId() {
    return new SandboxId("learner-" + ids.incrementAndGet(), "contract");
  }

  protected SandboxId started() {
    SandboxId id = newId();
    await(runtime.ensure(id));
    return id;
  }

  public record Run(String output, ExitStatus status) {}

  /** Runs to the end with no input. */
  protected Run run(SandboxId id, ExecSpec spec) {
    return run(id, spec, "");
  }

  /** Runs to the end; {@code stdin} is written then closed ({@code null}: leave the input alone). */
  protected Run run(SandboxId id, ExecSpec spec, String stdin) {
    SandboxProcess p = await(runtime.exec(id, spec));
    Collected out = collect(p);
    if (stdin != null) {
      if (!stdin.isEmpty()) p.input().write(Buffer.buffer(stdin));
      p.input().end();
    }
    ExitStatus status = await(p.exit());
    return new Run(out.awaitEnd(), status);
  }

  /** Output collected as it comes. */
  protected static final class Collected {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> end = new CompletableFuture<>();

    public synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    private synchronized void add(Buffer b) {
      bytes.writeBytes(b.getBytes());
    }

    public void waitFor(String needle) {
      long until = System.nanoTime() + WAIT.toNanos();
      while (!text().contains(needle)) {
        if (System.nanoTime() > until || end.isDone() && !text().contains(needle)) {
          fail("Waited for '" + needle + "' in: " + text());
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }

    public String awaitEnd() {
      try {
        return end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("The output did not end; so far: " + text(), e);
      }
    }
  }

  protected static Collected collect(SandboxProcess p) {
    Collected c = new Collected();
    p.output().handler(c::add).endHandler(v -> c.end.complete(c.text()));
    return c;
  }

  /** Waits for a future; its failure is thrown as is (runtime exceptions) or wrapped. */
  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("Timed out after " + WAIT, e);
    }
  }
}
