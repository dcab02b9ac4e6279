package org.pocketlab.course;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A course as loaded at boot: immutable, shared by every request. */
public record Course(String id, String title, String subtitle, String tagline, List<Section> sections) {

  public Course {
    sections = List.copyOf(sections);
  }

  public List<Card> cards() {
    return sections.stream().flatMap(s -> s.cards().stream()).toList();
  }

  public Optional<Card> card(int number) {
    return cards().stream().filter(c -> c.number() == number).findFirst();
  }

  public Optional<Section> section(int number) {
    return sections.stream().filter(s -> s.number() == number).findFirst();
  }

  /** The card before this one in reading order, across section boundaries. */
  public Optional<Card> previous(Card card) {
    List<Card> all = cards();
    int i = all.indexOf(card);
    return i > 0 ? Optional.of(all.get(i - 1)) : Optional.empty();
  }

  public Optional<Card> next(Card card) {
    List<Card> all = cards();
    int i = all.indexOf(card);
    return i >= 0 && i < all.size() - 1 ? Optional.of(all.get(i + 1)) : Optional.empty();
  }

  public Map<String, Card> cardsByPath() {
    return cards().stream().collect(Collectors.toUnmodifiableMap(Card::path, Function.identity()));
  }
}
