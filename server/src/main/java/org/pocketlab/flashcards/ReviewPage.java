package org.pocketlab.flashcards;

import java.time.Duration;
import java.time.Instant;

/**
 * What the review page shows: the counts of the cards in view (the whole deck, or one card's items), the
 * flashcard to answer next (null when nothing waits), when the next one comes due if nothing waits, and
 * the outcome of the grade just given (null if none).
 */
public record ReviewPage(Deck deck, Integer card, Counts counts, Prompt prompt, Instant nextDue, Answered last,
    Instant now) {

  /** "in 10 min" for the page that has nothing to show right now. */
  public String nextDueIn() {
    return nextDue == null ? null : Waits.describe(Duration.between(now, nextDue));
  }
}
