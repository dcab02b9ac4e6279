package org.pocketlab.progress;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/** What a learner did on a card. The status a card reaches is the highest {@link #reaches()} of its events. */
public enum EventKind {
  VIEWED,
  /** detail: {@code example}, {@code exitCode} (null when it did not exit), {@code outcome}, {@code durationMs}. */
  EXAMPLE_RUN,
  CHECK_PASSED,
  CHECK_FAILED,
  FLASHCARD_ANSWERED;

  /** Run outcomes (ExampleRuns) that are the learner stopping the run or the sandbox going away, not a failure. */
  private static final Set<String> NOT_A_FAILURE = Set.of("exited", "cancelled", "killed", "sandbox-stopped");

  public CardStatus reaches() {
    return switch (this) {
      case VIEWED -> CardStatus.VIEWED;
      case EXAMPLE_RUN, CHECK_FAILED, FLASHCARD_ANSWERED -> CardStatus.PRACTISED;
      case CHECK_PASSED -> CardStatus.DONE;
    };
  }

  /**
   * Whether this event is a failed attempt, which "stuck" counts: a failed check, or a run that exited
   * non-zero or was stopped by a limit (time, output, memory, file size, a signal).
   */
  public boolean failed(JsonObject detail) {
    return switch (this) {
      case CHECK_FAILED -> true;
      case EXAMPLE_RUN -> {
        Object code = detail.getValue("exitCode");
        String outcome = detail.getString("outcome");
        boolean nonZero = code instanceof Number n && n.intValue() != 0;
        yield nonZero || (outcome != null && !NOT_A_FAILURE.contains(outcome));
      }
      default -> false;
    };
  }
}
