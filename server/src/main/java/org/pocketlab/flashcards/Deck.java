package org.pocketlab.flashcards;

import java.util.List;
import java.util.Optional;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;

/** A course's flashcards: every Q&A item of its Q&A cards, in reading order. */
public record Deck(Course course, List<Flashcard> cards) {

  public Deck {
    cards = List.copyOf(cards);
  }

  public static Deck of(Course course) {
    return new Deck(course, course.cards().stream()
        .filter(card -> card.kind() == Card.Kind.QA)
        .flatMap(card -> card.qa().stream().map(item -> new Flashcard(card, item)))
        .toList());
  }

  /** Whether a course has anything to practise (templates ask this to offer the review page). */
  public static boolean offered(Course course) {
    return course.cards().stream().anyMatch(card -> card.kind() == Card.Kind.QA && !card.qa().isEmpty());
  }

  public Optional<Flashcard> find(int card, int item) {
    return cards.stream().filter(f -> f.cardNumber() == card && f.itemNumber() == item).findFirst();
  }

  /** The flashcards of one card, or all of them when {@code card} is null. */
  public List<Flashcard> scope(Integer card) {
    return card == null ? cards : cards.stream().filter(f -> f.cardNumber() == card).toList();
  }

  public boolean hasCard(int card) {
    return cards.stream().anyMatch(f -> f.cardNumber() == card);
  }

  public Optional<Card> card(int number) {
    return cards.stream().map(Flashcard::card).filter(c -> c.number() == number).findFirst();
  }
}
