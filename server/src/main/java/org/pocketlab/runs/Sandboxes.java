package org.pocketlab.runs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.pocketlab.config.Settings;
import org.pocketlab.db.Database;
import org.pocketlab.sandbox.SandboxManager;
import org.pocketlab.sandbox.SandboxRuntime;
import org.pocketlab.sandbox.SandboxSettings;
import org.pocketlab.sandbox.kubernetes.KubernetesSandboxRuntime;
import org.pocketlab.sandbox.local.LocalSandboxRuntime;
import org.pocketlab.terminal.Terminals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learners' sandboxes as the rest of the server sees them: the runtime chosen by the settings, its
 * manager, the shared terminals and the example runs. When the runtime cannot start (no bubblewrap, no
 * user namespaces), the server still serves lessons and says sandboxes are unavailable.
 */
public final class Sandboxes {
  private static final Logger log = LoggerFactory.getLogger(Sandboxes.class);

  private final SandboxManager manager;
  private final Terminals terminals;
  private final ExampleRuns runs;
  private final ExerciseChecks checks;

  private Sandboxes(SandboxManager manager, Terminals terminals, ExampleRuns runs) {
    this.manager = manager;
    this.terminals = terminals;
    this.runs = runs;
    this.checks = new ExerciseChecks(manager, runs);
  }

  /** Starts the configured runtime (blocking: called once at boot, off any event loop). */
  public static java.util.Optional<Sandboxes> start(Vertx vertx, Settings settings, Database database) {
    boolean local = settings.sandbox().runtime() == SandboxSettings.RuntimeKind.LOCAL;
    if (local && !Files.isRegularFile(settings.sandboxStarter().resolve("manage.py"))) {
      log.error("sandboxes unavailable: POCKETLAB_SANDBOX_STARTER={} holds no Django project (manage.py)",
          settings.sandboxStarter());
      return java.util.Optional.empty();
    }
    try {
      SandboxRuntime runtime = local
          ? LocalSandboxRuntime.create(vertx, settings.sandbox(), settings.dataDir(), settings.sandboxStarter())
              .await(60, TimeUnit.SECONDS)
          : KubernetesSandboxRuntime.create(vertx, settings.sandbox(), settings.kubernetes())
              .await(120, TimeUnit.SECONDS);
      SandboxManager manager = new SandboxManager(vertx, runtime, settings.sandbox());
      manager.start().await(30, TimeUnit.SECONDS);
      return java.util.Optional.of(
          new Sandboxes(manager, new Terminals(vertx, manager), new ExampleRuns(manager, database)));
    } catch (Exception e) {
      log.error("sandboxes unavailable: {}", e.getMessage());
      return java.util.Optional.empty();
    }
  }

  public SandboxManager manager() {
    return manager;
  }

  public Terminals terminals() {
    return terminals;
  }

  public ExampleRuns runs() {
    return runs;
  }

  public ExerciseChecks checks() {
    return checks;
  }

  /** Ends the shells and stops every sandbox; workspaces stay. */
  public Future<Void> stop() {
    terminals.closeAll();
    return manager.close(); // closes the runtime too
  }
}
