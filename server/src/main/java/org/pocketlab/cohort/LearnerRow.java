package org.pocketlab.cohort;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One learner of a cohort as the dashboard shows them: how many cards they have at each status, when they
 * last did anything in the course, and why they are flagged as stuck (cards with repeated recent failures,
 * or no activity for a while).
 */
public record LearnerRow(UUID personId, String username, String name, String email, OffsetDateTime joinedAt,
    int viewed, int practised, int done, OffsetDateTime lastActivity, List<Integer> failingCards, boolean inactive) {

  public LearnerRow {
    failingCards = List.copyOf(failingCards);
  }

  public String displayName() {
    return name == null || name.isBlank() ? username : name;
  }

  public boolean stuck() {
    return inactive || !failingCards.isEmpty();
  }

  public int percentDone(int cards) {
    return cards == 0 ? 0 : done * 100 / cards;
  }

  /** The DOM id of the learner's row, which live updates replace. */
  public String rowId() {
    return "learner-" + personId;
  }
}
