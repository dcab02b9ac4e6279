package org.pocketlab.course;

import java.util.ArrayList;
import java.util.List;

/**
 * Test-side inverse of {@link PocketBookImporter}: writes a course back as pocket-book text, so a test
 * can check that importing lost no text of the source.
 */
final class PocketBookExporter {
  private PocketBookExporter() {}

  static String export(Course course) {
    List<String> paragraphs = new ArrayList<>(List.of(course.title(), course.subtitle(), course.tagline()));
    for (Section section : course.sections()) {
      paragraphs.add("Section " + section.number() + " — " + section.title());
      for (Card card : section.cards()) {
        paragraphs.add(card.number() + ") " + card.title());
        paragraphs.addAll(body(card.body()));
        boolean singleQuestion = card.title().contains("“");
        for (QaItem item : card.qa()) {
          paragraphs.add(singleQuestion
              ? "Answer: " + item.answer()
              : item.number() + ") " + item.question() + " " + item.answer());
        }
      }
    }
    return String.join("\n\n", paragraphs) + "\n";
  }

  /** Examples that follow each other came from one paragraph, so they are joined without a blank line. */
  private static List<String> body(List<Block> blocks) {
    List<String> paragraphs = new ArrayList<>();
    Block previous = null;
    for (Block block : blocks) {
      String text = block instanceof Prose prose
          ? prose.markdown().replaceAll("(?m)^- ", "  • ")
          : ((Example) block).code();
      if (previous instanceof Example && block instanceof Example) {
        paragraphs.set(paragraphs.size() - 1, paragraphs.get(paragraphs.size() - 1) + "\n" + text);
      } else {
        paragraphs.add(text);
      }
      previous = block;
    }
    return paragraphs;
  }

  /** Trailing whitespace removed, runs of blank lines made one, no blank lines at the ends. */
  static String normalized(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\r?\n", -1)) {
      String trimmed = line.stripTrailing();
      if (trimmed.isEmpty() && (out.isEmpty() || out.get(out.size() - 1).isEmpty())) continue;
      out.add(trimmed);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
    return String.join("\n", out);
  }
}
