package org.pocketlab.sandbox;

import io.vertx.core.Future;
import java.util.List;

/**
 * The seam between Pocketlab and wherever learners' code runs: a bubblewrap process tree on this machine
 * ({@code sandbox.local}) or a Kubernetes pod ({@code sandbox.kubernetes}). Both pass the same contract
 * tests. Every method returns at once; blocking work runs on a worker pool, and results arrive on the
 * caller's context. Lifecycle policy (when to start, when to cull) belongs to {@link SandboxManager}, not here.
 */
public interface SandboxRuntime {

  /** "local" or "kubernetes": for logs and the health page. */
  String kind();

  /**
   * Starts the sandbox unless it runs (idempotent), creating its workspace from the starter project the first
   * time. A {@link SandboxStatus#CRASHED} sandbox is restarted and reported with {@code restarted = true}.
   */
  Future<SandboxInfo> ensure(SandboxId id);

  /**
   * Starts a command in a running sandbox. Fails with {@link SandboxException.Kind#NOT_RUNNING} unless
   * ensured, with {@link SandboxException.Kind#WORKSPACE_FULL} for runs on pipes while the workspace is over
   * its limit (a PTY shell is still allowed, so that the learner can delete files).
   */
  Future<SandboxProcess> exec(SandboxId id, ExecSpec spec);

  /** Ends every process of the sandbox; the workspace stays. No-op unless running. */
  Future<Void> stop(SandboxId id);

  Future<SandboxStatus> status(SandboxId id);

  /** The sandboxes this runtime owns (has a workspace or a running sandbox for), with their status. */
  Future<List<SandboxInfo>> list();

  /**
   * Stops the sandbox and replaces its workspace with a fresh copy of the starter project; the next ensure
   * starts it. Whether the learner really wants that is asked by the UI, not here.
   */
  Future<Void> reset(SandboxId id);

  /** Stops every sandbox and releases what the runtime holds; workspaces stay. */
  Future<Void> close();
}
