package org.pocketlab.terminal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxInfo;
import org.pocketlab.sandbox.SandboxManager;

/** The live shells, one per sandbox: a tab attaches to the running one or starts it. */
public final class Terminals {
  private final Vertx vertx;
  private final SandboxManager sandboxes;
  private final Map<SandboxId, Future<SharedShell>> shells = new ConcurrentHashMap<>();

  public Terminals(Vertx vertx, SandboxManager sandboxes) {
    this.vertx = vertx;
    this.sandboxes = sandboxes;
  }

  SandboxManager sandboxes() {
    return sandboxes;
  }

  record Opened(SharedShell shell, SandboxInfo sandbox) {}

  /**
   * The sandbox's shell, started (with the sandbox, if needed) at the given size when none runs. The
   * sandbox info says whether it had to be restarted after a crash.
   */
  Future<Opened> open(SandboxId id, int cols, int rows) {
    return sandboxes.ensure(id).compose(info -> shell(id, cols, rows).map(shell -> new Opened(shell, info)));
  }

  private Future<SharedShell> shell(SandboxId id, int cols, int rows) {
    return shells.compute(id, (key, existing) -> {
      if (existing != null && !(existing.failed() || (existing.succeeded() && existing.result().ended()))) {
        return existing;
      }
      var context = vertx.getOrCreateContext();
      return sandboxes.openShell(id, cols, rows)
          .map(process -> new SharedShell(id, process, context, () -> shells.remove(id)));
    });
  }

  /** Ends every shell (server shutdown); the sandboxes themselves are stopped by their manager. */
  public void closeAll() {
    shells.values().forEach(f -> f.onSuccess(SharedShell::kill));
    shells.clear();
  }
}
