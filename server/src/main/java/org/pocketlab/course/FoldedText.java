package org.pocketlab.course;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Text prepared for case- and accent-insensitive matching: {@link #folded} is lowercase, without
 * diacritics, with typographic quotes and dashes made plain, and remembers for each of its characters
 * where it came from in {@link #original}, so a match can be marked in the text as written.
 */
final class FoldedText {
  final String original;
  final String folded;
  private final int[] start;
  private final int[] end;

  FoldedText(String original) {
    this.original = original;
    StringBuilder out = new StringBuilder(original.length());
    int[] starts = new int[original.length() + 1];
    int[] ends = new int[original.length() + 1];
    for (int i = 0; i < original.length(); ) {
      int codePoint = original.codePointAt(i);
      int next = i + Character.charCount(codePoint);
      String piece = fold(codePoint);
      for (int k = 0; k < piece.length(); k++) {
        if (out.length() + 1 >= starts.length) {
          starts = java.util.Arrays.copyOf(starts, starts.length * 2);
          ends = java.util.Arrays.copyOf(ends, ends.length * 2);
        }
        starts[out.length()] = i;
        ends[out.length()] = next;
        out.append(piece.charAt(k));
      }
      i = next;
    }
    this.folded = out.toString();
    this.start = starts;
    this.end = ends;
  }

  /** The query side of matching: the same folding, without the position bookkeeping. */
  static String fold(String text) {
    return new FoldedText(text).folded;
  }

  /** Start in {@link #original} of the folded character at {@code i}. */
  int originalStart(int i) {
    return start[i];
  }

  /** End (exclusive) in {@link #original} of the folded character at {@code i}. */
  int originalEnd(int i) {
    return end[i];
  }

  private static String fold(int codePoint) {
    switch (codePoint) {
      case '‘', '’', '‚', '′' -> { return "'"; }
      case '“', '”', '„', '″' -> { return "\""; }
      case '–', '—', '‐', '‑', '−' -> { return "-"; }
      default -> { }
    }
    String decomposed = Normalizer.normalize(new String(Character.toChars(codePoint)), Normalizer.Form.NFD);
    return decomposed.replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
  }
}
