package org.pocketlab.flashcards;

import java.time.Instant;

/**
 * One learner's memory of one flashcard as FSRS models it: stability (days until recall drops to 90 %),
 * difficulty (1–10), and when it is due. A card never answered has no stability or difficulty yet.
 *
 * @param step the index into the learning or relearning steps; null once in {@link Phase#REVIEW}
 */
public record Memory(
    Phase phase, Integer step, Double stability, Double difficulty, Instant due, Instant lastReview, int reps,
    int lapses) {

  /** A card nobody has answered yet: due at once, at the first learning step. */
  public static Memory fresh(Instant now) {
    return new Memory(Phase.LEARNING, 0, null, null, now, null, 0, 0);
  }

  public boolean isNew() {
    return stability == null;
  }
}
