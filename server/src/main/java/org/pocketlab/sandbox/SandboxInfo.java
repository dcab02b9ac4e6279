package org.pocketlab.sandbox;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A sandbox as its runtime reports it.
 *
 * @param startedAt when the current run of the sandbox began (empty unless running)
 * @param restarted true when this ensure brought back a sandbox that had {@link SandboxStatus#CRASHED}:
 *     the UI should tell the learner ("your sandbox was restarted"), using {@code note}
 * @param note a sentence for the learner about what happened, when there is something to say
 */
public record SandboxInfo(
    SandboxId id, SandboxStatus status, Optional<Instant> startedAt, boolean restarted, Optional<String> note) {

  public SandboxInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(note, "note");
  }

  public static SandboxInfo of(SandboxId id, SandboxStatus status) {
    return new SandboxInfo(id, status, Optional.empty(), false, Optional.empty());
  }
}
