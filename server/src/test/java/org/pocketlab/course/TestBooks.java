package org.pocketlab.course;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real customer book and a tiny book that exercises every kind of card. */
final class TestBooks {
  static final String DJANGO_ID = "django-pocket-book";

  static final String TINY = """
      Tiny Book

      Tiny Book — Tests

      3 cards • every kind

      Section 1 — Basics

      1) First Card

      Some prose.

      # settings.py
      DEBUG = True

      2) Q&A — “Why test?”

      Answer: Because.

      Section 2 — More

      3) Interview Q&A

      1) Why? Because.

      2) How? Carefully.
      """;

  private TestBooks() {}

  /** The customer's source, next to the repository; tests that need it are skipped without it. */
  static Path djangoSource() {
    String root = System.getProperty("pocketlab.repoRoot", ".");
    Path source = Path.of(root, "..", "shared", "course-source", "django-pocket-book.txt").normalize();
    assumeTrue(Files.isRegularFile(source), "course source not found at " + source);
    return source;
  }

  static Course django() throws Exception {
    return PocketBookImporter.importFile(djangoSource(), DJANGO_ID);
  }

  static Course tiny() throws CourseFormatException {
    return PocketBookImporter.parse("tiny", "tiny.txt", TINY);
  }

  static java.util.List<Section> tinySections() throws CourseFormatException {
    return tiny().sections();
  }
}
