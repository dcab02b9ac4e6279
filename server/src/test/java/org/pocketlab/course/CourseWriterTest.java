package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CourseWriterTest {
  @TempDir Path parent;

  @Test
  void writtenAndLoadedBackIsTheSameCourse() throws Exception {
    Course django = TestBooks.django();
    Path out = parent.resolve("django-pocket-book");
    new CourseWriter().write(django, out);
    assertEquals(django, CourseLoader.load(out));
    assertEquals(List.of("django-pocket-book"), entries(parent));
  }

  @Test
  void cardFileLayout() throws Exception {
    Path out = parent.resolve("django");
    new CourseWriter().write(TestBooks.django(), out);
    String card12 = Files.readString(out.resolve("02-core-apis-modules/12-models-orm-essentials.md"));
    assertTrue(card12.startsWith("""
        ---
        number: 12
        slug: models-orm-essentials
        title: Models & ORM Essentials
        kind: lesson
        ---
        Django models map to tables; fields map to columns with validation.\
        """), card12);
    assertTrue(card12.endsWith("""

        ```python
        # core/models.py
        from django.db import models
        class User(models.Model):
            email = models.EmailField(unique=True)
            created_at = models.DateTimeField(auto_now_add=True)
        ```
        """), card12);
    String card10 = Files.readString(out.resolve("01-fundamentals/10-qa-is-django-synchronous-or-asynchronous.md"));
    assertTrue(card10.contains("kind: qa\n---\n## Q1. Is Django synchronous or asynchronous?\n\nBoth. Django"), card10);
    assertEquals("---\nnumber: 1\ntitle: Fundamentals\n---\n", Files.readString(out.resolve("01-fundamentals/section.md")));
    assertTrue(Files.readString(out.resolve("course.md")).startsWith("---\nid: django-pocket-book\ntitle: Django Pocket Book\n"));
    assertTrue(Files.readString(out.resolve("README.md")).contains("## Q1. The question?"));
  }

  @Test
  void theFenceIsLongerThanAnyBacktickRunInTheCode() throws Exception {
    assertEquals("```", ContentFiles.fence("print('x')"));
    assertEquals("````", ContentFiles.fence("```\nnested\n```"));
    assertEquals("`````", ContentFiles.fence("a ```` b"));
    Card card = new Card(1, "fences", "Fences", 1, Card.Kind.LESSON,
        List.of(Markdown.prose("Markdown in Markdown:"), new Example(1, "text", "```python\nprint(1)\n```\n````")),
        List.of());
    Course course = new Course("fences", "F", "S", "T", List.of(new Section(1, "One", List.of(card))));
    Path out = parent.resolve("fences");
    new CourseWriter().write(course, out);
    assertEquals(course, CourseLoader.load(out));
  }

  @Test
  void replacesAnOldCourseCompletely() throws Exception {
    Path out = parent.resolve("course");
    new CourseWriter().write(TestBooks.django(), out);
    Course tiny = TestBooks.tiny();
    new CourseWriter().write(tiny, out);
    assertEquals(tiny, CourseLoader.load(out));
    assertFalse(Files.exists(out.resolve("03-async-patterns-concurrency")), "old files are gone");
    assertEquals(List.of("course"), entries(parent));
  }

  @Test
  void aFailureHalfwayLeavesTheOldContentAndNoTemporaryFiles() throws Exception {
    Path out = parent.resolve("course");
    new CourseWriter().write(TestBooks.tiny(), out);
    Map<String, String> before = snapshot(out);
    AtomicInteger written = new AtomicInteger();
    CourseWriter failing = new CourseWriter((file, content) -> {
      if (written.incrementAndGet() == 4) throw new IOException("disk full");
      Files.writeString(file, content);
    });
    IOException e = assertThrows(IOException.class, () -> failing.write(TestBooks.django(), out));
    assertEquals("disk full", e.getMessage());
    assertEquals(before, snapshot(out));
    assertEquals(List.of("course"), entries(parent));
  }

  @Test
  void aFailureOnAFreshTargetLeavesNothing() {
    Path out = parent.resolve("new-course");
    CourseWriter failing = new CourseWriter((file, content) -> {
      throw new IOException("read-only file system");
    });
    assertThrows(IOException.class, () -> failing.write(TestBooks.tiny(), out));
    assertEquals(List.of(), entries(parent));
  }

  @Test
  void aFailedCheckKeepsTheOldContent() throws Exception {
    Path out = parent.resolve("course");
    new CourseWriter().write(TestBooks.tiny(), out);
    Map<String, String> before = snapshot(out);
    CourseFormatException e = assertThrows(CourseFormatException.class,
        () -> new CourseWriter().write(TestBooks.django(), out, dir -> {
          assertTrue(Files.exists(dir.resolve("course.md")), "the check sees the complete new directory");
          throw new CourseFormatException("course.md", 1, "no");
        }));
    assertEquals("course.md:1: no", e.getMessage());
    assertEquals(before, snapshot(out));
    assertEquals(List.of("course"), entries(parent));
  }

  @Test
  void refusesToReplaceADirectoryThatIsNotACourse() throws Exception {
    Path out = Files.createDirectory(parent.resolve("home"));
    Files.writeString(out.resolve("notes.txt"), "precious");
    IOException e = assertThrows(IOException.class, () -> new CourseWriter().write(TestBooks.tiny(), out));
    assertTrue(e.getMessage().startsWith("refusing to replace "), e.getMessage());
    assertEquals(Map.of("notes.txt", "precious"), snapshot(out));
    assertEquals(List.of("home"), entries(parent));
  }

  @Test
  void fillsAnEmptyDirectoryAndCreatesMissingParents() throws Exception {
    Path empty = Files.createDirectory(parent.resolve("empty"));
    new CourseWriter().write(TestBooks.tiny(), empty);
    assertEquals(TestBooks.tiny(), CourseLoader.load(empty));
    Path deep = parent.resolve("a/b/c");
    new CourseWriter().write(TestBooks.tiny(), deep);
    assertEquals(TestBooks.tiny(), CourseLoader.load(deep));
  }

  @Test
  void refusesContentTheFormatCannotHoldBeforeWritingAnything() throws Exception {
    Card card = new Card(1, "x", "X", 1, Card.Kind.LESSON, List.of(Markdown.prose("```python\nnot a fence\n```")), List.of());
    Course course = new Course("x", "X", "S", "T", List.of(new Section(1, "One", List.of(card))));
    assertThrows(IllegalArgumentException.class, () -> new CourseWriter().write(course, parent.resolve("x")));
    Course multiline = new Course("x", "X\nY", "S", "T", TestBooks.tinySections());
    assertThrows(IllegalArgumentException.class, () -> new CourseWriter().write(multiline, parent.resolve("x")));
    assertEquals(List.of(), entries(parent));
  }

  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  static List<String> entries(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
