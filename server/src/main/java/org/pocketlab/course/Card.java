package org.pocketlab.course;

import java.util.List;

/**
 * One lesson page. {@code body} is the card's text and code in source order; Q&A cards carry their
 * question/answer items in {@code qa} (and usually no body).
 */
public record Card(
    int number, String slug, String title, int sectionNumber, Kind kind, List<Block> body, List<QaItem> qa) {

  public enum Kind { LESSON, QA }

  public Card {
    body = List.copyOf(body);
    qa = List.copyOf(qa);
  }

  /** The stable URL segment, e.g. {@code 12-models-orm-essentials}. */
  public String path() {
    return number + "-" + slug;
  }

  public List<Example> examples() {
    return body.stream().filter(Example.class::isInstance).map(Example.class::cast).toList();
  }
}
