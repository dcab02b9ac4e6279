package org.pocketlab.sandbox.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxProcess;
import org.pocketlab.sandbox.SandboxRuntime;
import org.pocketlab.sandbox.SandboxRuntimeContract;

/**
 * The same contract on a host without usable cgroups (most containers): limits fall back to rlimits, with a
 * host uid per sandbox so that RLIMIT_NPROC counts one sandbox's processes.
 */
class LocalSandboxRuntimeWithoutCgroupsTest extends SandboxRuntimeContract {

  private Path dataDir;

  @Override
  protected SandboxRuntime createRuntime(Vertx vertx) throws Exception {
    dataDir = LocalSandboxRuntimeTest.tempDataDir();
    return await(LocalSandboxRuntime.create(vertx, LocalSandboxRuntimeTest.SETTINGS, dataDir,
        LocalSandboxRuntimeTest.STARTER, LocalSandboxRuntime.DEFAULT_UIDS, false));
  }

  @Override
  protected void afterClose() throws Exception {
    LocalSandboxRuntimeTest.deleteAll(dataDir);
  }

  private LocalSandboxRuntime local() {
    return (LocalSandboxRuntime) runtime;
  }

  @Test
  void theReportSaysWhatRlimitsCanAndCannotDo() {
    List<String> report = local().limitReport();
    assertTrue(report.get(0).startsWith("memory 256 MB per sandbox: NOT enforced as a total; rlimit AS"), report.get(0));
    if (LocalSandboxRuntimeTest.isRoot()) {
      assertEquals("processes 64 per sandbox: enforced by rlimit NPROC (each sandbox has its own host uid)",
          report.get(1));
    }
    assertTrue(report.get(2).startsWith("cpu 100% of a core per sandbox: NOT enforced"), report.get(2));
  }

  @Test
  void aMemoryBombFailsToAllocate() {
    SandboxId id = started();
    Run run = run(id, ExecSpec.of("python3", "-c", "b = bytearray(2 * 1024**3); print('allocated')"));
    assertNotEquals(0, run.status().code());
    assertTrue(run.output().contains("MemoryError"), run.output());
  }

  @Test
  void aForkBombHitsTheProcessLimit() {
    SandboxId bomb = started();
    SandboxId neighbour = started();
    SandboxProcess p = await(runtime.exec(bomb, ExecSpec.of("bash", "-c", ":(){ :|:& };:; sleep 30")
        .withWallTime(Duration.ofSeconds(3))));
    Collected out = collect(p);
    out.waitFor("Resource temporarily unavailable");
    assertEquals("ok\n", run(neighbour, ExecSpec.of("echo", "ok")).output());
    ExitStatus status = await(p.exit());
    out.awaitEnd();
    assertNotEquals(ExitStatus.Reason.EXITED, status.reason(), status.toString());
    assertEquals("ok\n", run(bomb, ExecSpec.of("echo", "ok")).output());
  }
}
