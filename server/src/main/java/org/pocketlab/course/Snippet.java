package org.pocketlab.course;

import java.util.ArrayList;
import java.util.List;

/**
 * A short excerpt of a card around a search match, as parts that are either plain text or a match,
 * so a template can escape every part and wrap only the matches in {@code <mark>} (no raw HTML).
 */
public final class Snippet {
  /** One run of excerpt text; {@code match} marks the words the query found. */
  public record Part(String text, boolean match) {}

  static final int WIDTH = 160;
  private static final int BEFORE = 50;
  private static final int WORD_SLACK = 20;

  private Snippet() {}

  /**
   * About {@link #WIDTH} characters of {@code text} around the first match, cut at spaces where one is
   * near, with "…" where text was left out. {@code matches} are sorted, non-overlapping
   * {@code [start, end)} ranges in {@code text}; there is at least one.
   */
  static List<Part> around(String text, List<int[]> matches) {
    int first = matches.get(0)[0];
    int from = Math.max(0, first - BEFORE);
    int to = Math.min(text.length(), from + WIDTH);
    from = Math.max(0, Math.min(from, to - WIDTH));
    if (from > 0) {
      int space = text.indexOf(' ', from);
      if (space >= 0 && space < first && space - from <= WORD_SLACK) from = space + 1;
    }
    if (to < text.length()) {
      int space = text.lastIndexOf(' ', to);
      int lastMatchEnd = matches.get(0)[1];
      if (space > lastMatchEnd && to - space <= WORD_SLACK) to = space;
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder plain = new StringBuilder(from > 0 ? "…" : "");
    int at = from;
    for (int[] m : matches) {
      int start = Math.max(m[0], at);
      int end = Math.min(m[1], to);
      if (start >= end) continue;
      plain.append(text, at, start);
      if (plain.length() > 0) parts.add(new Part(plain.toString(), false));
      plain.setLength(0);
      parts.add(new Part(text.substring(start, end), true));
      at = end;
    }
    plain.append(text, at, to);
    if (to < text.length()) plain.append('…');
    if (plain.length() > 0) parts.add(new Part(plain.toString(), false));
    return List.copyOf(parts);
  }
}
