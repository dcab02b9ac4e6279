package org.pocketlab.flashcards;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a learner's flashcards stand right now. Every card is in exactly one group: due now (answered
 * before and due), new (never answered), learning (in its minute steps, back soon) or learned (graduated
 * to reviews days apart, not due yet).
 */
public record Counts(int dueNow, int fresh, int learning, int learned) {

  static Counts of(List<Flashcard> scope, Map<FlashcardStore.Key, Memory> memories, Instant now) {
    int due = 0;
    int fresh = 0;
    int learning = 0;
    int learned = 0;
    for (Flashcard f : scope) {
      Memory m = memories.get(FlashcardStore.Key.of(f));
      if (m == null) fresh++;
      else if (!m.due().isAfter(now)) due++;
      else if (m.phase() == Phase.REVIEW) learned++;
      else learning++;
    }
    return new Counts(due, fresh, learning, learned);
  }

  /** Cards that can be answered now: due ones and new ones. */
  public int waiting() {
    return dueNow + fresh;
  }

  /** The badge beside "Review", e.g. "3 due · 21 new"; empty when nothing waits. */
  public String badge() {
    if (dueNow > 0 && fresh > 0) return dueNow + " due · " + fresh + " new";
    if (dueNow > 0) return dueNow + " due";
    if (fresh > 0) return fresh + " new";
    return "";
  }
}
