package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a pocket book can be wrong is refused with its file and line, and nothing is written. */
class MalformedPocketBookTest {
  private static final String HEADER = "Book\n\nBook — Sub\n\nTagline\n\n";

  static Stream<Arguments> books() {
    return Stream.of(
        Arguments.of("empty file", "",
            "book.txt:1: empty file: expected a title, subtitle and tagline, then 'Section 1 — …'"),
        Arguments.of("blank file", "\n \n\n",
            "book.txt:1: empty file: expected a title, subtitle and tagline, then 'Section 1 — …'"),
        Arguments.of("missing header", "Section 1 — A\n\n1) T\n\nText.\n",
            "book.txt:1: expected the course title (the header is three lines: title, subtitle, tagline),"
                + " found 'Section 1 — A'"),
        Arguments.of("short header", "Book\n\nBook — Sub\n\nSection 1 — A\n\n1) T\n\nText.\n",
            "book.txt:5: expected the course tagline (the header is three lines: title, subtitle, tagline),"
                + " found 'Section 1 — A'"),
        Arguments.of("header cut off", "Book\n",
            "book.txt:1: the file ends inside the header: expected the course subtitle"),
        Arguments.of("header without sections", HEADER,
            "book.txt:5: no sections: expected 'Section 1 — Title' after the header"),
        Arguments.of("text before the first section", HEADER + "Stray words.\n\nSection 1 — A\n\n1) T\n\nText.\n",
            "book.txt:7: expected 'Section 1 — Title' after the header, found text 'Stray words.'"),
        Arguments.of("text before the first card", HEADER + "Section 1 — A\n\nStray words.\n\n1) T\n\nText.\n",
            "book.txt:9: expected card 1 ('1) Title') after the section heading, found text 'Stray words.'"),
        Arguments.of("card before any section", HEADER + "1) T\n\nText.\n",
            "book.txt:7: card 1 comes before any section: expected 'Section 1 — Title' first"),
        Arguments.of("section out of order", HEADER + "Section 2 — A\n\n1) T\n\nText.\n",
            "book.txt:7: expected section 1, found section 2"),
        Arguments.of("section repeated", HEADER + "Section 1 — A\n\n1) T\n\nText.\n\nSection 1 — B\n\n2) U\n\nText.\n",
            "book.txt:13: expected section 2, found section 1 again"),
        Arguments.of("section without cards", HEADER + "Section 1 — A\n\nSection 2 — B\n\n1) T\n\nText.\n",
            "book.txt:7: section 1 'A' has no cards"),
        Arguments.of("section without title", HEADER + "Section 1 —\n\n1) T\n\nText.\n",
            "book.txt:7: section 1 has no title"),
        Arguments.of("card skipped", HEADER + "Section 1 — A\n\n1) T\n\nText.\n\n3) U\n\nText.\n",
            "book.txt:13: expected card 2, found card 3"),
        Arguments.of("card repeated", HEADER + "Section 1 — A\n\n1) T\n\nText.\n\n1) U\n\nText.\n",
            "book.txt:13: expected card 2, found card 1 again"),
        Arguments.of("card without text", HEADER + "Section 1 — A\n\n1) T\n\n2) U\n\nText.\n",
            "book.txt:9: card 1 'T' has no text"),
        Arguments.of("last card without text", HEADER + "Section 1 — A\n\n1) T\n",
            "book.txt:9: card 1 'T' has no text"),
        Arguments.of("card without title", HEADER + "Section 1 — A\n\n1)\n\nText.\n",
            "book.txt:9: card 1 has no title"),
        Arguments.of("duplicate slug", HEADER + "Section 1 — A\n\n1) Models & ORM\n\nText.\n\n2) Models, ORM!\n\nText.\n",
            "book.txt:13: card 2 has the same slug 'models-orm' as card 1: give it a different title"),
        Arguments.of("title without slug", HEADER + "Section 1 — A\n\n1) ¿¡…!?\n\nText.\n",
            "book.txt:9: card 1: the title '¿¡…!?' has no ASCII letters or digits to make its URL slug from"),
        Arguments.of("question without answer", HEADER + "Section 1 — A\n\n1) Q&A — “Why?”\n\nBecause.\n",
            "book.txt:11: Q&A card 1 has no answer: expected a paragraph starting 'Answer: '"),
        Arguments.of("question card without text", HEADER + "Section 1 — A\n\n1) Q&A — “Why?”\n",
            "book.txt:9: Q&A card 1 has no answer: expected a paragraph starting 'Answer: '"),
        Arguments.of("empty answer", HEADER + "Section 1 — A\n\n1) Q&A — “Why?”\n\nAnswer:\n",
            "book.txt:11: Q&A card 1 has an empty answer after 'Answer:'"),
        Arguments.of("interview without questions", HEADER + "Section 1 — A\n\n1) Interview Q&A\n\nIntro.\n",
            "book.txt:9: Q&A card 1 has no questions: expected numbered items '1) Question? Answer'"),
        Arguments.of("interview item without question mark", HEADER + "Section 1 — A\n\n1) Interview Q&A\n\n1) Why. Because.\n",
            "book.txt:11: question 1 of card 1 has no '?': expected '1) Question? Answer'"),
        Arguments.of("interview item without answer", HEADER + "Section 1 — A\n\n1) Interview Q&A\n\n1) Why?\n",
            "book.txt:11: question 1 of card 1 has no answer after the '?'"),
        Arguments.of("interview item skipped is a wrong card", HEADER + "Section 1 — A\n\n1) Interview Q&A\n\n1) Why? Yes.\n\n3) How? So.\n",
            "book.txt:13: expected card 2, found card 3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("books")
  void refusedWithFileAndLine(String name, String text, String message) throws Exception {
    CourseFormatException e = assertThrows(CourseFormatException.class,
        () -> PocketBookImporter.parse("book", "book.txt", text));
    assertEquals(message, e.getMessage());
    assertEquals("book.txt", e.file());
    assertEquals(message, e.file() + ":" + e.line() + ": " + e.reason());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("books")
  void theCommandPrintsTheMessageAndWritesNothing(String name, String text, String message, @TempDir Path dir)
      throws Exception {
    Path book = Files.writeString(dir.resolve("book.txt"), text);
    Path out = dir.resolve("out");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = ImportCourseCommand.run(List.of(book.toString(), "--out", out.toString()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, exit);
    assertEquals(message + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(out));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(book), left.toList());
    }
  }

  @Test
  void notUtf8() throws Exception {
    Path dir = Files.createTempDirectory("book");
    Path book = Files.write(dir.resolve("latin1.txt"), "Caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    CourseFormatException e = assertThrows(CourseFormatException.class, () -> PocketBookImporter.importFile(book, "x"));
    assertEquals("latin1.txt: not UTF-8 text", e.getMessage());
    org.pocketlab.FileTrees.delete(dir);
  }

  @Test
  void fewerInterviewQuestionsThanTheTitlePromisesIsFine() throws Exception {
    Course course = PocketBookImporter.parse("b", "book.txt",
        HEADER + "Section 1 — A\n\n1) Interview Q&A — 3 Questions\n\n1) Why? Yes.\n\n2) How? So.\n");
    assertEquals(2, course.cards().get(0).qa().size());
  }
}
