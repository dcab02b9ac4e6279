package org.pocketlab.progress;

import java.util.Locale;

/**
 * Where a learner stands on one card, derived from their events on it: the highest {@link EventKind#reaches()
 * level} any of them reached.
 *
 * <ul>
 *   <li>{@link #NOT_STARTED}: no event on the card yet;
 *   <li>{@link #VIEWED}: they opened the card page (signed in);
 *   <li>{@link #PRACTISED}: they ran an example, answered a flashcard or tried the card's check (even if
 *       it failed);
 *   <li>{@link #DONE}: the card's check passed.
 * </ul>
 */
public enum CardStatus {
  NOT_STARTED("not started", "·"),
  VIEWED("viewed", "○"),
  PRACTISED("practised", "◐"),
  DONE("done", "●");

  private final String label;
  private final String symbol;

  CardStatus(String label, String symbol) {
    this.label = label;
    this.symbol = symbol;
  }

  /** The status of a level as stored in the database (0 for no events). */
  public static CardStatus ofLevel(int level) {
    return values()[Math.max(0, Math.min(level, DONE.ordinal()))];
  }

  public int level() {
    return ordinal();
  }

  /** For people: "not started", "viewed", "practised", "done". */
  public String label() {
    return label;
  }

  /** A shape per status, so the matrix does not rely on colour alone. */
  public String symbol() {
    return symbol;
  }

  /** The CSS class suffix and CSV value: not-started, viewed, practised, done. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
