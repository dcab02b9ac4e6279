package org.pocketlab.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Reads the Markdown after a card file's front matter: prose, fenced code examples (the info string is
 * the language) and, in a {@code qa} card, the {@code ## Q1. Question} items that follow.
 */
final class CardText {

  record Parsed(List<Block> body, List<QaItem> qa) {}

  private final String file;
  private final List<String> lines;
  private final List<Block> body = new ArrayList<>();
  private final List<String> prose = new ArrayList<>();

  private CardText(String file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  /** {@code start} is the 0-based index of the first line after the front matter. */
  static Parsed parse(String file, List<String> lines, int start, boolean questions) throws CourseFormatException {
    return new CardText(file, lines).parse(start, questions);
  }

  private Parsed parse(int start, boolean questions) throws CourseFormatException {
    int i = start;
    while (i < lines.size()) {
      String line = lines.get(i);
      Matcher fence = ContentFiles.FENCE_OPEN.matcher(line);
      if (fence.matches()) {
        i = example(i, fence.group(1).length(), fence.group(2).strip());
      } else if (questions && ContentFiles.QUESTION.matcher(line).matches()) {
        flushProse();
        return new Parsed(body, questions(i));
      } else {
        prose.add(line);
        i++;
      }
    }
    flushProse();
    return new Parsed(body, List.of());
  }

  /** Reads the code block opening at {@code open}; returns the index after its closing fence. */
  private int example(int open, int fenceLength, String language) throws CourseFormatException {
    if (language.isEmpty()) {
      throw error(open, "a code block needs its language after the backticks, one of " + languages());
    }
    if (!Example.LANGUAGES.contains(language)) {
      throw error(open, "unknown code language '" + language + "' (expected one of " + languages() + ")");
    }
    flushProse();
    List<String> code = new ArrayList<>();
    int i = open + 1;
    while (i < lines.size() && !closesFence(lines.get(i), fenceLength)) code.add(lines.get(i++));
    if (i == lines.size()) {
      throw error(open, "the code block is not closed: expected a line of " + "`".repeat(fenceLength));
    }
    if (code.stream().allMatch(String::isBlank)) throw error(open, "empty code block");
    int index = (int) body.stream().filter(Example.class::isInstance).count() + 1;
    body.add(new Example(index, language, String.join("\n", code)));
    return i + 1;
  }

  /** CommonMark's rule: at least as many backticks as the opening fence, nothing else but spaces. */
  private static boolean closesFence(String line, int fenceLength) {
    String s = line.strip();
    return s.length() >= fenceLength && s.chars().allMatch(c -> c == '`') && line.indexOf('`') <= 3;
  }

  private List<QaItem> questions(int from) throws CourseFormatException {
    List<QaItem> items = new ArrayList<>();
    int i = from;
    while (i < lines.size()) {
      Matcher heading = ContentFiles.QUESTION.matcher(lines.get(i));
      heading.matches();
      int expected = items.size() + 1;
      int number = Integer.parseInt(heading.group(1));
      if (number != expected) {
        throw error(i, "expected question " + expected + " ('## Q" + expected + ". …'), found question " + number);
      }
      String question = heading.group(2) == null ? "" : heading.group(2).strip();
      if (question.isEmpty()) throw error(i, "question " + number + " has no text after '## Q" + number + ".'");
      int headingIndex = i;
      List<String> answer = new ArrayList<>();
      for (i++; i < lines.size() && !ContentFiles.QUESTION.matcher(lines.get(i)).matches(); i++) {
        answer.add(lines.get(i));
      }
      String text = String.join("\n", answer).strip();
      if (text.isEmpty()) throw error(headingIndex, "question " + number + " has no answer below its heading");
      items.add(new QaItem(number, question, text));
    }
    return items;
  }

  private void flushProse() {
    int first = 0;
    int last = prose.size() - 1;
    while (first <= last && prose.get(first).isBlank()) first++;
    while (last >= first && prose.get(last).isBlank()) last--;
    if (first <= last) body.add(Markdown.prose(String.join("\n", prose.subList(first, last + 1))));
    prose.clear();
  }

  private static String languages() {
    return String.join(", ", Example.LANGUAGES.stream().sorted().toList());
  }

  private CourseFormatException error(int index, String message) {
    return new CourseFormatException(file, index + 1, message);
  }
}
