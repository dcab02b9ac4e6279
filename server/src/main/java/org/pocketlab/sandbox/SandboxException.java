package org.pocketlab.sandbox;

/**
 * A sandbox operation that cannot be done. The message is written for the person who asked (a learner or an
 * operator) and says what to do, e.g. "Your workspace uses 300 MB of 256 MB; delete files ...".
 */
public final class SandboxException extends RuntimeException {

  public enum Kind {
    /** The sandbox is not running: ensure it first (the manager does). */
    NOT_RUNNING,
    /** The workspace is over its size limit: new runs are refused until files are deleted (or reset). */
    WORKSPACE_FULL,
    /** The runtime is closed or could not start the sandbox (an operator problem, logged). */
    UNAVAILABLE
  }

  private final Kind kind;

  public SandboxException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public SandboxException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
