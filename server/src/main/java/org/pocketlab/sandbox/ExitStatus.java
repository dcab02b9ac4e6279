package org.pocketlab.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a sandbox process ended.
 *
 * @param code the exit code as a shell reports it: 0..255, and 128+n for death by signal n
 * @param signal the signal that ended the process, if one did
 * @param reason why it ended; for the UI ("stopped after 60 s", "too much output")
 * @param duration from start to end
 */
public record ExitStatus(int code, OptionalInt signal, Reason reason, Duration duration) {

  public enum Reason {
    /** It exited by itself; see the code. */
    EXITED,
    /** A signal ended it that the runtime did not send (e.g. the learner's own {@code kill}). */
    SIGNALED,
    /** Killed after its wall-time limit. */
    TIMEOUT,
    /** Killed on request ({@link SandboxProcess#kill()}). */
    KILLED,
    /** Killed after its output limit; the output was cut at the limit. */
    OUTPUT_LIMIT,
    /** Killed by the kernel because the sandbox ran out of memory. */
    OUT_OF_MEMORY,
    /** Ended by the file size limit (SIGXFSZ). */
    FILE_SIZE_LIMIT,
    /** Ended because its sandbox was stopped (idle culling, reset, shutdown) or crashed. */
    SANDBOX_STOPPED
  }

  public ExitStatus {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(duration, "duration");
  }

  public boolean succeeded() {
    return reason == Reason.EXITED && code == 0;
  }

  /** One short sentence for people. */
  public String describe() {
    return switch (reason) {
      case EXITED -> "Exited with code " + code + ".";
      case SIGNALED -> "Ended by signal " + signal.orElse(code - 128) + ".";
      case TIMEOUT -> "Stopped after " + duration.toSeconds() + " s, the time limit for a run.";
      case KILLED -> "Stopped on request.";
      case OUTPUT_LIMIT -> "Stopped: it printed more than a run may print.";
      case OUT_OF_MEMORY -> "Stopped: the sandbox ran out of memory.";
      case FILE_SIZE_LIMIT -> "Stopped: it tried to write a file larger than the limit.";
      case SANDBOX_STOPPED -> "Stopped because the sandbox was stopped.";
    };
  }
}
