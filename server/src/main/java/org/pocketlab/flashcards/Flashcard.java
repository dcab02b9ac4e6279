package org.pocketlab.flashcards;

import org.pocketlab.course.Card;
import org.pocketlab.course.QaItem;

/** One Q&A item of a card, practised as a flashcard: the question on the front, the answer on the back. */
public record Flashcard(Card card, QaItem item) {

  public int cardNumber() {
    return card.number();
  }

  public int itemNumber() {
    return item.number();
  }

  /** How the page names it, e.g. "Card 50 · Q3". */
  public String label() {
    return "Card " + card.number() + " · Q" + item.number();
  }
}
