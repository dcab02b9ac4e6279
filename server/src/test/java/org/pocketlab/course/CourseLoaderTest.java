package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader reads what the writer wrote, and names the file and line of every mistake. */
class CourseLoaderTest {
  @TempDir Path root;
  Path tiny;

  @BeforeEach
  void writeTinyCourse() throws Exception {
    tiny = root.resolve("tiny");
    new CourseWriter().write(TestBooks.tiny(), tiny);
  }

  @Test
  void tinyCourseLayout() throws Exception {
    assertEquals(List.of("01-basics", "02-more", "README.md", "course.md"), CourseWriterTest.entries(tiny));
    assertEquals(List.of("1-first-card.md", "2-qa-why-test.md", "section.md"),
        CourseWriterTest.entries(tiny.resolve("01-basics")));
    assertEquals("""
        ---
        number: 3
        slug: interview-qa
        title: Interview Q&A
        kind: qa
        ---
        ## Q1. Why?

        Because.

        ## Q2. How?

        Carefully.
        """, Files.readString(tiny.resolve("02-more/3-interview-qa.md")));
    Course loaded = CourseLoader.load(tiny);
    assertEquals(TestBooks.tiny(), loaded);
    assertEquals("<p>Some prose.</p>\n", ((Prose) loaded.card(1).orElseThrow().body().get(0)).html());
  }

  @Test
  void missingFiles() throws Exception {
    Files.delete(tiny.resolve("02-more/section.md"));
    assertError("tiny/02-more/section.md: missing file");
    Files.delete(tiny.resolve("course.md"));
    assertError("tiny/course.md: missing file");
  }

  @Test
  void aMissingCardIsAGapInTheNumbers() throws Exception {
    Files.delete(tiny.resolve("01-basics/2-qa-why-test.md"));
    assertError("tiny/02-more/3-interview-qa.md:2: expected card 2, found card 3");
  }

  @Test
  void badFrontMatter() throws Exception {
    edit("course.md", "\ntitle: Tiny Book\n", "\ntitle: Tiny Book\nauthor: me\n");
    assertError("tiny/course.md:4: unknown key 'author' (expected id, title, subtitle, tagline)");
    edit("course.md", "author: me\n", "");
    edit("course.md", "---\nid", "id");
    assertError("tiny/course.md:1: expected '---' to open the front matter");
    edit("course.md", "id:", "---\nid:");
    edit("course.md", "tagline: 3 cards • every kind\n---\n", "tagline: 3 cards • every kind\n");
    assertError("tiny/course.md:5: the front matter is not closed with '---'");
  }

  @Test
  void frontMatterKeysAreRequiredOnceAndNonEmpty() throws Exception {
    edit("01-basics/section.md", "title: Basics\n", "");
    assertError("tiny/01-basics/section.md:3: missing key 'title' in the front matter");
    edit("01-basics/section.md", "number: 1\n", "number: 1\nnumber: 1\n");
    assertError("tiny/01-basics/section.md:3: key 'number' appears twice");
    edit("01-basics/section.md", "number: 1\nnumber: 1\n", "number:\ntitle: Basics\n");
    assertError("tiny/01-basics/section.md:2: key 'number' has no value");
    edit("01-basics/section.md", "number:\n", "number: one\n");
    assertError("tiny/01-basics/section.md:2: 'number' must be a positive whole number, found 'one'");
    edit("01-basics/section.md", "number: one\n", "number: 1\n");
    edit("01-basics/section.md", "title: Basics\n---\n", "title: Basics\n---\n\nIntro text.\n");
    assertError("tiny/01-basics/section.md:6: unexpected text after the front matter (this file holds only front matter)");
  }

  @Test
  void namesMustAgreeWithFrontMatter() throws Exception {
    Files.move(tiny.resolve("01-basics/1-first-card.md"), tiny.resolve("01-basics/1-first.md"));
    assertError("tiny/01-basics/1-first.md:3: the file name says slug 'first', the front matter says 'first-card'");
    Files.move(tiny.resolve("01-basics/1-first.md"), tiny.resolve("01-basics/1-first-card.md"));
    edit("01-basics/1-first-card.md", "number: 1", "number: 5");
    assertError("tiny/01-basics/1-first-card.md:2: the file name says card 1, the front matter says 5");
    edit("01-basics/1-first-card.md", "number: 5", "number: 1");
    Files.move(tiny.resolve("02-more"), tiny.resolve("03-more"));
    assertError("tiny/03-more/section.md:2: the directory name says section 3, the front matter says 2");
    edit("03-more/section.md", "number: 2", "number: 3");
    assertError("tiny/03-more/section.md:2: expected section 2, found section 3");
  }

  @Test
  void slugsAreUniqueAndKindsKnown() throws Exception {
    edit("01-basics/2-qa-why-test.md", "slug: qa-why-test", "slug: first-card");
    Files.move(tiny.resolve("01-basics/2-qa-why-test.md"), tiny.resolve("01-basics/2-first-card.md"));
    assertError("tiny/01-basics/2-first-card.md:3: slug 'first-card' is already used by card 1");
    Files.delete(tiny.resolve("01-basics/2-first-card.md"));
    edit("02-more/3-interview-qa.md", "number: 3", "number: 2");
    Files.move(tiny.resolve("02-more/3-interview-qa.md"), tiny.resolve("02-more/2-interview-qa.md"));
    edit("02-more/2-interview-qa.md", "kind: qa", "kind: quiz");
    assertError("tiny/02-more/2-interview-qa.md:5: kind must be 'lesson' or 'qa', found 'quiz'");
  }

  @Test
  void codeBlocks() throws Exception {
    edit("01-basics/1-first-card.md", "```settings", "```yaml");
    assertError("tiny/01-basics/1-first-card.md:9: unknown code language 'yaml' (expected one of "
        + "dockerfile, python, settings, shell, sql, template, text)");
    edit("01-basics/1-first-card.md", "```yaml", "```");
    assertError("tiny/01-basics/1-first-card.md:9: a code block needs its language after the backticks, one of "
        + "dockerfile, python, settings, shell, sql, template, text");
    edit("01-basics/1-first-card.md", "```\n# settings.py\nDEBUG = True\n```\n", "```settings\nDEBUG = True\n");
    assertError("tiny/01-basics/1-first-card.md:9: the code block is not closed: expected a line of ```");
    edit("01-basics/1-first-card.md", "```settings\nDEBUG = True\n", "```settings\n\n```\n");
    assertError("tiny/01-basics/1-first-card.md:9: empty code block");
  }

  @Test
  void cardText() throws Exception {
    edit("01-basics/1-first-card.md", "Some prose.\n\n```settings\n# settings.py\nDEBUG = True\n```\n", "\n");
    assertError("tiny/01-basics/1-first-card.md:6: the card has no text after the front matter");
  }

  @Test
  void questions() throws Exception {
    edit("02-more/3-interview-qa.md", "## Q2. How?", "## Q3. How?");
    assertError("tiny/02-more/3-interview-qa.md:11: expected question 2 ('## Q2. …'), found question 3");
    edit("02-more/3-interview-qa.md", "## Q3. How?\n\nCarefully.\n", "## Q2. How?\n");
    assertError("tiny/02-more/3-interview-qa.md:11: question 2 has no answer below its heading");
    edit("02-more/3-interview-qa.md", "## Q2. How?\n", "## Q2.\n\nCarefully.\n");
    assertError("tiny/02-more/3-interview-qa.md:11: question 2 has no text after '## Q2.'");
    Files.writeString(tiny.resolve("02-more/3-interview-qa.md"),
        "---\nnumber: 3\nslug: interview-qa\ntitle: Interview Q&A\nkind: qa\n---\nNo questions.\n");
    assertError("tiny/02-more/3-interview-qa.md:6: a qa card needs at least one question: "
        + "a heading '## Q1. The question?' followed by its answer");
  }

  @Test
  void unexpectedFilesAreNamed() throws Exception {
    Files.writeString(tiny.resolve("notes.txt"), "x");
    assertError("tiny/notes.txt: unexpected file: a course directory holds course.md, README.md and "
        + "section directories named like 01-fundamentals");
    Files.delete(tiny.resolve("notes.txt"));
    Files.writeString(tiny.resolve("01-basics/draft.md"), "x");
    assertError("tiny/01-basics/draft.md: unexpected file: a section directory holds section.md and card files "
        + "named like 12-models-orm-essentials.md");
    Files.delete(tiny.resolve("01-basics/draft.md"));
    Files.writeString(tiny.resolve("01-basics/.DS_Store"), "hidden files are ignored");
    assertEquals(TestBooks.tiny(), CourseLoader.load(tiny));
  }

  @Test
  void windowsLineEndsAndByteOrderMarkAreAccepted() throws Exception {
    Path card = tiny.resolve("01-basics/1-first-card.md");
    Files.writeString(card, "\uFEFF" + Files.readString(card).replace("\n", "\r\n"));
    assertEquals(TestBooks.tiny(), CourseLoader.load(tiny));
  }

  @Test
  void rawHtmlIsEscapedAndUnsafeLinksNeutralised() throws Exception {
    edit("01-basics/1-first-card.md", "Some prose.",
        "Hi <b onclick=x>there</b>.\n\n[x](javascript:alert%281%29)\n\n<script>alert(1)</script>");
    String html = ((Prose) CourseLoader.load(tiny).card(1).orElseThrow().body().get(0)).html();
    assertTrue(html.startsWith("<p>Hi &lt;b onclick=x&gt;there&lt;/b&gt;.</p>\n<p><a rel=\"nofollow\" href=\"\">x</a></p>"), html);
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script"), html);
  }

  @Test
  void loadAllFindsCourseDirectoriesSortedById() throws Exception {
    Course django = TestBooks.django();
    new CourseWriter().write(django, root.resolve("a-django"));
    Files.createDirectory(root.resolve("not-a-course"));
    List<Course> all = CourseLoader.loadAll(root);
    assertEquals(List.of("django-pocket-book", "tiny"), all.stream().map(Course::id).toList());
    new CourseWriter().write(TestBooks.tiny(), root.resolve("b-tiny-again"));
    CourseFormatException e = assertThrows(CourseFormatException.class, () -> CourseLoader.loadAll(root));
    assertEquals("tiny/course.md: course id 'tiny' is also the id of b-tiny-again/", e.getMessage());
  }

  @Test
  void loadsBundledCoursesFromAJar() throws Exception {
    Path jar = root.resolve("courses.jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("courses/"));
      addTree(zip, tiny, "courses/tiny/");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertEquals(List.of(TestBooks.tiny()), CourseLoader.loadBundled(loader));
      assertEquals(List.of(TestBooks.tiny()), CourseLoader.loadBundled(loader), "and again: the zip was closed");
    }
  }

  @Test
  void noBundledCourses() {
    IOException e = assertThrows(IOException.class, () -> CourseLoader.loadBundled(new URLClassLoader(new URL[0], null)));
    assertEquals("no courses/ directory on the class path", e.getMessage());
  }

  private static void addTree(ZipOutputStream zip, Path dir, String prefix) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted().toList()) {
        String name = prefix + dir.relativize(p).toString().replace('\\', '/');
        if (Files.isDirectory(p)) {
          zip.putNextEntry(new ZipEntry(name.endsWith("/") ? name : name + "/"));
        } else {
          zip.putNextEntry(new ZipEntry(name));
          zip.write(Files.readAllBytes(p));
        }
        zip.closeEntry();
      }
    }
  }

  private void edit(String file, String from, String to) throws IOException {
    Path path = tiny.resolve(file);
    String text = Files.readString(path);
    if (!text.contains(from)) throw new AssertionError(file + " does not contain " + from + ":\n" + text);
    Files.writeString(path, text.replace(from, to));
  }

  private void assertError(String message) {
    CourseFormatException e = assertThrows(CourseFormatException.class, () -> CourseLoader.load(tiny));
    assertEquals(message, e.getMessage());
  }
}
