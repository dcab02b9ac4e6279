package org.pocketlab.flashcards;

import java.util.Locale;

/**
 * Where a flashcard is in FSRS's scheduler: in its first learning steps (minutes apart), graduated to
 * reviews (days apart), or relearning after a lapse.
 */
public enum Phase {
  LEARNING, REVIEW, RELEARNING;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Phase of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
