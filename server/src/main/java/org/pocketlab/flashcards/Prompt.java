package org.pocketlab.flashcards;

import java.util.List;
import java.util.UUID;

/**
 * A flashcard shown for answering, with the id its grade will carry (chosen when the page is made, so a
 * form sent twice counts once) and, for each grade, when the card would come back.
 */
public record Prompt(Flashcard card, boolean fresh, UUID answerId, List<Choice> choices) {

  public record Choice(Grade grade, String after) {}

  public Prompt {
    choices = List.copyOf(choices);
  }
}
