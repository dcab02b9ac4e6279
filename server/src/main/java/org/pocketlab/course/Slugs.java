package org.pocketlab.course;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** URL segments made from titles: stable, lowercase ASCII, words joined by single hyphens. */
final class Slugs {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  // "Q&A" and "Django’s" are one word: the joining character goes, the letters stay together.
  private static final Pattern WORD_JOINER = Pattern.compile("(?<=[A-Za-z0-9])['’&](?=[A-Za-z0-9])");
  private static final Pattern NOT_ALNUM = Pattern.compile("[^a-z0-9]+");
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");

  private Slugs() {}

  /**
   * {@code "Models & ORM Essentials"} → {@code models-orm-essentials}; {@code "Q&A — “FBV or CBV?”"} →
   * {@code qa-fbv-or-cbv}. Accents are dropped ("Café" → cafe); other non-ASCII characters separate
   * words. May return "" for a title without any ASCII letter or digit.
   */
  static String of(String title) {
    String ascii = MARKS.matcher(Normalizer.normalize(title, Normalizer.Form.NFD)).replaceAll("");
    String joined = WORD_JOINER.matcher(ascii).replaceAll("");
    String hyphenated = NOT_ALNUM.matcher(joined.toLowerCase(Locale.ROOT)).replaceAll("-");
    int start = hyphenated.startsWith("-") ? 1 : 0;
    int end = hyphenated.endsWith("-") && hyphenated.length() > start ? hyphenated.length() - 1 : hyphenated.length();
    return start >= end ? "" : hyphenated.substring(start, end);
  }

  static boolean isSlug(String text) {
    return SLUG.matcher(text).matches();
  }
}
