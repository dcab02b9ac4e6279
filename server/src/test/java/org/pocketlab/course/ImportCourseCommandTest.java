package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import-course} through its real entry point: arguments in, exit code and output out. */
class ImportCourseCommandTest {
  private static final String NL = System.lineSeparator();
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void importsTheDjangoBook() throws Exception {
    Path target = dir.resolve("courses/django-pocket-book");
    assertEquals(0, run(TestBooks.djangoSource().toString(), "--out", target.toString()));
    assertEquals("imported 50 cards in 5 sections into " + target + NL, stdout());
    assertEquals("", stderr());
    Course loaded = CourseLoader.load(target);
    assertEquals("django-pocket-book", loaded.id(), "the id defaults to the file name");
    assertEquals(TestBooks.django(), loaded);
  }

  @Test
  void anExplicitIdAndReplacingAnEarlierImport() throws Exception {
    Path book = Files.writeString(dir.resolve("Tiny Book.txt"), TestBooks.TINY);
    Path target = dir.resolve("out");
    assertEquals(0, run(book.toString(), "--out", target.toString()));
    assertEquals("tiny-book", CourseLoader.load(target).id(), "a default id is made a slug");
    assertEquals(0, run("--id", "my-course", "--out", target.toString(), book.toString()));
    assertEquals("my-course", CourseLoader.load(target).id());
    assertEquals(List.of("Tiny Book.txt", "out"), CourseWriterTest.entries(dir));
  }

  @Test
  void aBadBookIsExitCodeOneWithTheMessageAndNothingWritten() throws Exception {
    Path book = Files.writeString(dir.resolve("django-pocket-book.txt"),
        TestBooks.TINY.replace("3) Interview Q&A", "5) Interview Q&A"));
    Path target = dir.resolve("out");
    assertEquals(1, run(book.toString(), "--out", target.toString()));
    assertEquals("django-pocket-book.txt:22: expected card 3, found card 5" + NL, stderr());
    assertEquals("", stdout());
    assertFalse(Files.exists(target));
  }

  @Test
  void anOldCourseSurvivesABadBook() throws Exception {
    Path good = Files.writeString(dir.resolve("tiny.txt"), TestBooks.TINY);
    Path target = dir.resolve("out");
    assertEquals(0, run(good.toString(), "--out", target.toString()));
    Files.writeString(good, TestBooks.TINY.replace("Answer: Because.", "Because."));
    assertEquals(1, run(good.toString(), "--out", target.toString()));
    assertTrue(stderr().startsWith("tiny.txt:18: Q&A card 2 has no answer"), stderr());
    assertEquals(TestBooks.tiny(), CourseLoader.load(target));
  }

  @Test
  void refusingToOverwriteOtherFilesIsExitCodeOne() throws Exception {
    Path book = Files.writeString(dir.resolve("tiny.txt"), TestBooks.TINY);
    assertEquals(1, run(book.toString(), "--out", dir.toString()));
    assertTrue(stderr().startsWith("import-course: refusing to replace " + dir), stderr());
  }

  @Test
  void usageErrorsAreExitCodeTwo() throws Exception {
    Path book = Files.writeString(dir.resolve("tiny.txt"), TestBooks.TINY);
    String out = dir.resolve("out").toString();
    assertUsage("FILE is missing");
    assertUsage("--out DIR is missing", book.toString());
    assertUsage("--out needs a value", book.toString(), "--out");
    assertUsage("unknown option --force", book.toString(), "--out", out, "--force");
    assertUsage("one FILE only, found " + book + " and other.txt", book.toString(), "other.txt", "--out", out);
    assertUsage("--out given twice", book.toString(), "--out", out, "--out", out);
    assertUsage("--id must be lowercase letters and digits joined by single hyphens, found 'My Course'",
        book.toString(), "--out", out, "--id", "My Course");
    assertUsage("no such file: " + dir.resolve("missing.txt"), dir.resolve("missing.txt").toString(), "--out", out);
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void help() {
    assertEquals(0, run("--help"));
    assertTrue(stdout().startsWith("usage: import-course FILE --out DIR [--id ID]"));
  }

  private void assertUsage(String message, String... args) {
    out.reset();
    err.reset();
    assertEquals(2, run(args), String.join(" ", args));
    assertEquals("import-course: " + message + NL + ImportCourseCommand.USAGE + NL, stderr());
  }

  private int run(String... args) {
    return ImportCourseCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
