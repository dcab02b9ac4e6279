package org.pocketlab.runs;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.pocketlab.sandbox.ExitStatus;

/**
 * How a check of a learner's work ended: passed or not, the one line that says why (the check's last line
 * of output, or what stopped it), everything it printed (the tail, for "details"), and how it exited.
 */
public record CheckResult(boolean passed, String reason, String output, ExitStatus exit) {
  private static final Pattern ESCAPES = Pattern.compile("\u001b(\\[[0-?]*[ -/]*[@-~]|][^\u0007\u001b]*(\u0007|\u001b\\\\)|[@-Z\\\\-_])");
  private static final int MAX_REASON = 400;

  static CheckResult of(ExitStatus exit, String output) {
    String text = ESCAPES.matcher(output).replaceAll("").replace("\r\n", "\n");
    boolean passed = exit.succeeded();
    String reason = switch (exit.reason()) {
      case EXITED -> lastLine(text).orElse(passed ? "Your work passes the check."
          : "The check failed (exit " + exit.code() + ") without saying why.");
      case TIMEOUT -> "The check was stopped after " + exit.duration().toSeconds() + " s, the time limit: does your"
          + " code wait for something or loop forever?";
      case OUTPUT_LIMIT -> "The check was stopped: it printed more than a run may print.";
      case OUT_OF_MEMORY -> "The check was stopped: your sandbox ran out of memory.";
      case FILE_SIZE_LIMIT -> "The check was stopped: it wrote a file larger than the limit.";
      case KILLED -> "The check was cancelled.";
      case SIGNALED, SANDBOX_STOPPED -> "The check did not finish: " + exit.describe();
    };
    return new CheckResult(passed, reason, text.strip(), exit);
  }

  private static java.util.Optional<String> lastLine(String text) {
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) return java.util.Optional.empty();
    String last = lines.get(lines.size() - 1);
    return java.util.Optional.of(last.length() > MAX_REASON ? last.substring(0, MAX_REASON - 1) + "…" : last);
  }

  public Duration took() {
    return exit.duration();
  }

  /** True when the output says more than the reason line, so that showing it adds something. */
  public boolean hasMoreOutput() {
    return !output.isEmpty() && !output.equals(reason);
  }
}
