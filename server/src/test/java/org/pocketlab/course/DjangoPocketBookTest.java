package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The customer's Django Pocket Book, imported for real. */
class DjangoPocketBookTest {
  private static Course course;

  @BeforeAll
  static void importBook() throws Exception {
    course = TestBooks.django();
  }

  @Test
  void header() {
    assertEquals("django-pocket-book", course.id());
    assertEquals("Django Pocket Book", course.title());
    assertEquals("Django Pocket Book — Uplatz", course.subtitle());
    assertTrue(course.tagline().startsWith("50 deep-dive flashcards • Wide layout"));
  }

  @Test
  void fiveSectionsOfTenCardsNumberedOneToFifty() {
    assertEquals(List.of("Fundamentals", "Core APIs & Modules", "Async, Patterns & Concurrency",
            "Frameworks, Data & APIs", "Security, Testing, Deployment, Observability & Interview Q&A"),
        course.sections().stream().map(Section::title).toList());
    for (Section section : course.sections()) {
      assertEquals(10, section.cards().size(), section.title());
      for (Card card : section.cards()) assertEquals(section.number(), card.sectionNumber());
    }
    assertEquals(IntStream.rangeClosed(1, 50).boxed().toList(),
        course.cards().stream().map(Card::number).toList());
  }

  @Test
  void titlesAndSlugs() {
    Card card12 = course.card(12).orElseThrow();
    assertEquals("Models & ORM Essentials", card12.title());
    assertEquals("12-models-orm-essentials", card12.path());
    assertEquals("What is Django?", course.card(1).orElseThrow().title());
    assertEquals("Q&A — “Is Django synchronous or asynchronous?”", course.card(10).orElseThrow().title());
    assertEquals("qa-is-django-synchronous-or-asynchronous", course.card(10).orElseThrow().slug());
    assertEquals("select-related-vs-prefetch-related", course.card(24).orElseThrow().slug());
    assertEquals("i18n-l10n", course.card(39).orElseThrow().slug());
    assertEquals("Interview Q&A — 20 Practical Questions (Expanded)", course.card(50).orElseThrow().title());
    assertEquals(50, course.cardsByPath().size());
  }

  @Test
  void questionCards() {
    for (int n : new int[] {10, 20, 30, 40}) {
      Card card = course.card(n).orElseThrow();
      assertEquals(Card.Kind.QA, card.kind());
      assertEquals(1, card.qa().size());
      assertTrue(card.body().isEmpty());
    }
    QaItem first = course.card(10).orElseThrow().qa().get(0);
    assertEquals("Is Django synchronous or asynchronous?", first.question());
    assertTrue(first.answer().startsWith("Both. Django supports sync (WSGI)"));
    assertTrue(first.answer().endsWith("use ASGI + Channels."));

    Card interview = course.card(50).orElseThrow();
    assertEquals(Card.Kind.QA, interview.kind());
    // The brief expected 19 items ("promises 20, contains 19"); the source actually holds 1) … 20).
    assertEquals(20, interview.qa().size());
    assertEquals(IntStream.rangeClosed(1, 20).boxed().toList(), interview.qa().stream().map(QaItem::number).toList());
    assertEquals(new QaItem(1, "Why Django for CRUD apps?",
        "Batteries-included ORM/admin/forms/security accelerate delivery while keeping consistency."),
        interview.qa().get(0));
    assertEquals("Monitoring?", interview.qa().get(19).question());
    long lessons = course.cards().stream().filter(c -> c.kind() == Card.Kind.LESSON).count();
    assertEquals(45, lessons);
  }

  @Test
  void exampleLanguages() {
    assertEquals(List.of("shell", "settings"), languages(5));
    assertEquals("# Install DRF for Django APIs\npip install djangorestframework", code(5, 0));
    assertEquals("# settings.py\nINSTALLED_APPS += [\"rest_framework\"]", code(5, 1));
    assertEquals(List.of("dockerfile"), languages(46));
    assertEquals(List.of("template"), languages(39));
    assertEquals(List.of("python"), languages(12));
    assertEquals(List.of("shell", "python"), languages(47));
    assertEquals(List.of("sql"), languages(38));
    assertEquals(List.of("settings"), languages(7));
    assertEquals(List.of("settings"), languages(45));
    assertEquals(List.of("python"), languages(24));
    assertEquals(List.of("shell"), languages(1));
    assertEquals(List.of("shell"), languages(8));
    assertEquals(List.of(), languages(48));
    for (Card card : course.cards()) {
      for (Example example : card.examples()) {
        assertTrue(Example.LANGUAGES.contains(example.language()), card.path());
        assertFalse(example.language().equals("text"), card.path() + " has an example of unknown language");
      }
    }
  }

  @Test
  void proseAfterCodeAndBullets() {
    List<Block> card3 = course.card(3).orElseThrow().body();
    assertEquals(3, card3.size());
    assertTrue(card3.get(1) instanceof Example);
    assertEquals("Map URLs early; keep views slim; push heavy work to services/tasks.",
        ((Prose) card3.get(2)).markdown());

    Prose checklist = (Prose) course.card(48).orElseThrow().body().get(0);
    assertTrue(checklist.markdown().startsWith("- Env-driven settings & secrets manager\n- HTTPS, HSTS"));
    assertTrue(checklist.html().startsWith("<ul>\n<li>Env-driven settings &amp; secrets manager</li>"));
  }

  @Test
  void everyLessonStartsWithProseAndProseHasNoAccidentalMarkup() {
    for (Card card : course.cards()) {
      if (card.kind() == Card.Kind.LESSON) assertTrue(card.body().get(0) instanceof Prose, card.path());
      for (Block block : card.body()) {
        if (block instanceof Prose prose) {
          for (String tag : List.of("<em>", "<strong>", "<code>", "<h1>", "<h2>", "<pre>")) {
            assertFalse(prose.html().contains(tag), card.path() + " renders " + tag);
          }
        }
      }
    }
  }

  @Test
  void noTextOfTheSourceIsLost() throws Exception {
    String source = Files.readString(TestBooks.djangoSource(), StandardCharsets.UTF_8);
    assertEquals(PocketBookExporter.normalized(source),
        PocketBookExporter.normalized(PocketBookExporter.export(course)));
  }

  @Test
  void theBundledCourseIsAFreshImportOfTheSource() throws Exception {
    Course bundled = CourseLoader.loadBundled().stream()
        .filter(c -> c.id().equals(TestBooks.DJANGO_ID)).findFirst().orElseThrow();
    assertEquals(course, bundled, "re-run import-course into server/src/main/resources/courses/django-pocket-book");
  }

  private static List<String> languages(int card) {
    return course.card(card).orElseThrow().examples().stream().map(Example::language).toList();
  }

  private static String code(int card, int example) {
    return course.card(card).orElseThrow().examples().get(example).code();
  }
}
