package org.pocketlab.db;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.pocketlab.course.Block;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.Example;
import org.pocketlab.course.Prose;
import org.pocketlab.course.QaItem;
import org.pocketlab.course.Section;

/** Small hand-built courses for the database tests. */
final class Courses {

  private Courses() {}

  /** A lesson card with one paragraph and one example. */
  static Card card(int number, String slug, int section) {
    List<Block> body = List.of(
        new Prose("About **" + slug + "**.", "<p>About <strong>" + slug + "</strong>.</p>"),
        new Example(1, "python", "print('" + slug + "')"));
    return new Card(number, slug, "Title of " + slug, section, Card.Kind.LESSON, body, List.of());
  }

  static Card qaCard(int number, String slug, int section) {
    return new Card(number, slug, "Questions on " + slug, section, Card.Kind.QA, List.of(),
        List.of(new QaItem(1, "Why " + slug + "?", "Because.")));
  }

  /** The cards grouped into sections by their section numbers. */
  static Course sample(String id, Card... cards) {
    Map<Integer, List<Card>> bySection = Arrays.stream(cards)
        .collect(Collectors.groupingBy(Card::sectionNumber, TreeMap::new, Collectors.toList()));
    List<Section> sections = bySection.entrySet().stream()
        .map(e -> new Section(e.getKey(), "Section " + e.getKey(), e.getValue()))
        .toList();
    return new Course(id, "Course " + id, "Subtitle", "Tagline", sections);
  }
}
