package org.pocketlab.course;

import java.util.List;

/** A numbered group of cards, in reading order. */
public record Section(int number, String title, List<Card> cards) {
  public Section {
    cards = List.copyOf(cards);
  }
}
