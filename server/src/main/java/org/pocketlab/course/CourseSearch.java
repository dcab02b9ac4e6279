package org.pocketlab.course;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finds cards of one course by the words of a query: every word must occur (as part of a word, case-
 * and accent-insensitive) in the card's title, text or code. Cards where words occur in the title rank
 * above cards where they occur only in the text, which rank above code-only matches; then reading
 * order. Built once at boot from the immutable course; searching only reads, so one instance serves
 * all requests concurrently. A course of 50 cards is a few hundred kilobytes of text: a linear scan of
 * pre-folded strings answers in well under a millisecond, without an index to keep in sync.
 */
public final class CourseSearch {
  public static final int MAX_QUERY_LENGTH = 200;
  private static final String[] FIELDS = {"title", "text", "code"};
  private static final int[] WEIGHTS = {1_000_000, 1_000, 1}; // 100 words at most: lower fields never outweigh higher ones

  private record Entry(Card card, FoldedText[] fields) {}

  private record Scored(Entry entry, int score) {}

  private final List<Entry> entries;

  public CourseSearch(Course course) {
    this.entries = course.cards().stream()
        .map(card -> new Entry(card, new FoldedText[] {
            new FoldedText(oneLine(card.title())), new FoldedText(oneLine(textOf(card))),
            new FoldedText(oneLine(codeOf(card)))}))
        .toList();
  }

  /** At most {@code limit} hits, best first; none for a blank or one-character query. */
  public List<SearchHit> search(String query, int limit) {
    List<String> words = words(query);
    if (words.isEmpty() || limit <= 0) return List.of();
    List<Scored> scored = new ArrayList<>();
    for (Entry entry : entries) {
      int score = score(entry, words);
      if (score > 0) scored.add(new Scored(entry, score));
    }
    scored.sort(Comparator.comparingInt(Scored::score).reversed()
        .thenComparingInt(s -> s.entry().card().number()));
    return scored.stream().limit(limit).map(s -> hit(s.entry(), words)).toList();
  }

  /** The query's distinct folded words; empty when the query is too short to mean anything. */
  static List<String> words(String query) {
    if (query == null) return List.of();
    String q = query.strip();
    if (q.length() > MAX_QUERY_LENGTH) {
      int cut = Character.isHighSurrogate(q.charAt(MAX_QUERY_LENGTH - 1)) ? MAX_QUERY_LENGTH - 1 : MAX_QUERY_LENGTH;
      q = q.substring(0, cut);
    }
    if (q.codePointCount(0, q.length()) < 2) return List.of();
    return Arrays.stream(FoldedText.fold(q).split("\\s+")).filter(w -> !w.isEmpty()).distinct().toList();
  }

  /** Each word counts with the weight of the best field it occurs in; 0 if a word occurs nowhere. */
  private static int score(Entry entry, List<String> words) {
    int score = 0;
    for (String word : words) {
      int best = 0;
      for (int f = 0; f < FIELDS.length && best == 0; f++) {
        if (entry.fields()[f].folded.contains(word)) best = WEIGHTS[f];
      }
      if (best == 0) return 0;
      score += best;
    }
    return score;
  }

  /** The excerpt comes from the field holding the most query words (the higher-ranked one on a tie). */
  private static SearchHit hit(Entry entry, List<String> words) {
    int bestField = 0;
    int bestCount = -1;
    for (int f = 0; f < FIELDS.length; f++) {
      String folded = entry.fields()[f].folded;
      int count = (int) words.stream().filter(folded::contains).count();
      if (count > bestCount) {
        bestField = f;
        bestCount = count;
      }
    }
    FoldedText field = entry.fields()[bestField];
    return new SearchHit(entry.card(), FIELDS[bestField], Snippet.around(field.original, matches(field, words)));
  }

  /** Every occurrence of every word, as sorted, merged ranges of the original text. */
  private static List<int[]> matches(FoldedText field, List<String> words) {
    List<int[]> ranges = new ArrayList<>();
    for (String word : words) {
      for (int i = field.folded.indexOf(word); i >= 0; i = field.folded.indexOf(word, i + 1)) {
        ranges.add(new int[] {field.originalStart(i), field.originalEnd(i + word.length() - 1)});
      }
    }
    ranges.sort(Comparator.comparingInt((int[] r) -> r[0]));
    List<int[]> merged = new ArrayList<>();
    for (int[] r : ranges) {
      int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.add(r.clone());
    }
    return merged;
  }

  private static String textOf(Card card) {
    List<String> parts = new ArrayList<>();
    for (Block block : card.body()) {
      if (block instanceof Prose prose) parts.add(Markdown.plainText(prose.markdown()));
    }
    for (QaItem item : card.qa()) parts.add(item.question() + " " + item.answer());
    return String.join(" ", parts);
  }

  private static String codeOf(Card card) {
    return String.join(" ", card.examples().stream().map(Example::code).toList());
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }
}
