package org.pocketlab.flashcards;

import java.util.Locale;
import java.util.Optional;

/** The learner's own verdict after seeing the answer; FSRS calls it the rating (1–4). */
public enum Grade {
  AGAIN(1, "Again"), HARD(2, "Hard"), GOOD(3, "Good"), EASY(4, "Easy");

  private final int value;
  private final String label;

  Grade(int value, String label) {
    this.value = value;
    this.label = label;
  }

  public int value() {
    return value;
  }

  public String label() {
    return label;
  }

  /** The form value, e.g. {@code good}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Accepts the form's words ({@code again} … {@code easy}) and the keyboard's digits ({@code 1} … {@code 4}). */
  public static Optional<Grade> parse(String text) {
    if (text == null) return Optional.empty();
    String t = text.strip().toLowerCase(Locale.ROOT);
    for (Grade g : values()) {
      if (g.key().equals(t) || String.valueOf(g.value).equals(t)) return Optional.of(g);
    }
    return Optional.empty();
  }

  public static Grade of(int value) {
    for (Grade g : values()) {
      if (g.value == value) return g;
    }
    throw new IllegalArgumentException("grade " + value + " is not 1–4");
  }
}
