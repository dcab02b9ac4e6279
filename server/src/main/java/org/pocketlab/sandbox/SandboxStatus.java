package org.pocketlab.sandbox;

/** Where a sandbox is in its life, as its runtime sees it. */
public enum SandboxStatus {
  /** Never created (no workspace). */
  NONE,
  /** Workspace kept, nothing running (never started since boot, stopped, culled or reset). */
  STOPPED,
  /** Started: accepts execs. */
  RUNNING,
  /** Was running and died without being asked to (its processes were killed); the next ensure restarts it. */
  CRASHED
}
