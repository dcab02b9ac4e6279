package org.pocketlab.flashcards;

import org.pocketlab.course.Card;
import org.pocketlab.course.Course;

/** The flashcards' URLs, built in one place so templates and handlers agree. */
public final class FlashcardLinks {
  private FlashcardLinks() {}

  public static String review(Course course) {
    return "/courses/" + course.id() + "/review";
  }

  /** The review page for one card's items only, or all of them when {@code card} is null. */
  public static String review(Course course, Integer card) {
    return card == null ? review(course) : review(course) + "?card=" + card;
  }

  /** "Practise as flashcards" on a Q&A card. */
  public static String practise(Course course, Card card) {
    return review(course, card.number());
  }

  /** The "Review (3 due)" link, loaded into the course menu and the course home. */
  public static String summary(Course course) {
    return review(course) + "/summary";
  }

  public static String flashcard(Course course, Flashcard flashcard) {
    return review(course) + "/" + flashcard.cardNumber() + "/" + flashcard.itemNumber();
  }
}
