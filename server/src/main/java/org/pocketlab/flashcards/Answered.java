package org.pocketlab.flashcards;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** A recorded grade and what it scheduled (for a retried grade: what the first one scheduled). */
public record Answered(UUID id, Flashcard card, Grade grade, Instant answeredAt, Phase phase, Instant due) {

  /** "10 min", "4 days": how long until the card comes back. */
  public String nextIn() {
    return Waits.describe(Duration.between(answeredAt, due));
  }
}
