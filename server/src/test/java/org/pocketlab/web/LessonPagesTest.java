package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gg.jte.html.escape.Escape;
import gg.jte.output.StringOutput;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseLoader;
import org.pocketlab.course.Example;
import org.pocketlab.course.QaItem;
import org.pocketlab.testsupport.TestServer;

/** The reading pages through real HTTP against the real server and database. */
class LessonPagesTest {
  private static final String COURSE = "/courses/django-pocket-book";
  private static TestServer server;
  private static Course course;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    course = CourseLoader.loadBundled().stream().filter(c -> c.id().equals("django-pocket-book")).findFirst()
        .orElseThrow();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyCardHasItsPageWithTitleAndCode() {
    List<Card> cards = course.cards();
    assertEquals(50, cards.size());
    for (Card card : cards) {
      HttpResponse<String> page = server.get(COURSE + "/cards/" + card.path());
      assertEquals(200, page.statusCode(), card.path());
      String html = page.body();
      assertTrue(html.contains("<h1 id=\"page-title\" tabindex=\"-1\">" + escape(card.title()) + "</h1>"),
          "title of " + card.path());
      for (Example example : card.examples()) {
        assertTrue(html.contains(escape(example.code())), "example " + example.index() + " of " + card.path());
      }
      for (QaItem item : card.qa()) {
        assertTrue(html.contains(escape(item.question())), "question " + item.number() + " of " + card.path());
        assertTrue(html.contains(escape(item.answer())), "answer " + item.number() + " of " + card.path());
      }
    }
  }

  @Test
  void lessonLinksToNeighboursAndMarksItselfInTheMenu() {
    Card twelve = course.card(12).orElseThrow();
    String html = server.get(COURSE + "/cards/" + twelve.path()).body();
    assertTrue(html.contains("rel=\"prev\" href=\"" + COURSE + "/cards/" + course.card(11).orElseThrow().path()));
    assertTrue(html.contains("rel=\"next\" href=\"" + COURSE + "/cards/" + course.card(13).orElseThrow().path()));
    assertTrue(html.contains("href=\"" + COURSE + "/cards/" + twelve.path() + "\" aria-current=\"page\""));
    String first = server.get(COURSE + "/cards/" + course.card(1).orElseThrow().path()).body();
    assertFalse(first.contains("rel=\"prev\""), "card 1 has no previous card");
    String last = server.get(COURSE + "/cards/" + course.card(50).orElseThrow().path()).body();
    assertFalse(last.contains("rel=\"next\""), "card 50 has no next card");
  }

  @Test
  void plainRequestGetsTheWholePageAndHtmxTheLessonOnly() {
    String path = COURSE + "/cards/" + course.card(12).orElseThrow().path();
    HttpResponse<String> full = server.get(path);
    assertTrue(full.body().startsWith("<!doctype html>"), () -> "starts with: " + full.body().substring(0, 40).replace("\n", "\\n"));
    assertTrue(full.body().contains("<main id=\"main\""));
    assertEquals("HX-Request", full.headers().firstValue("Vary").orElse(""));

    HttpResponse<String> partial = server.get(path, "HX-Request", "true", "HX-Boosted", "true");
    assertEquals(200, partial.statusCode());
    assertFalse(partial.body().contains("<!doctype"), "no document around the partial");
    assertFalse(partial.body().contains("<main"), "the partial is what goes inside <main>");
    assertTrue(partial.body().contains("<title>12. Models &amp; ORM Essentials · Django Pocket Book · Pocketlab</title>"));
    assertTrue(partial.body().contains("<article class=\"lesson\""));
    assertTrue(partial.body().contains("id=\"course-nav\" class=\"course-nav\" aria-label=\"Course contents\" hx-swap-oob=\"true\""));

    HttpResponse<String> restore = server.get(path, "HX-Request", "true", "HX-History-Restore-Request", "true");
    assertTrue(restore.body().startsWith("<!doctype html>"), "history restore after a cache miss needs the page");
  }

  @Test
  void courseHomeListsSectionsAndCards() {
    HttpResponse<String> home = server.get(COURSE);
    assertEquals(200, home.statusCode());
    for (var section : course.sections()) {
      assertTrue(home.body().contains("id=\"section-" + section.number() + "\""));
      assertTrue(home.body().contains(escape(section.title())));
    }
    for (Card card : course.cards()) {
      assertTrue(home.body().contains("href=\"" + COURSE + "/cards/" + card.path() + "\""), card.path());
    }
    HttpResponse<String> catalog = server.get("/");
    assertEquals(200, catalog.statusCode());
    assertTrue(catalog.body().contains("href=\"" + COURSE + "\""));
  }

  @Test
  void unknownCourseOrCardIsA404Page() {
    for (String path : List.of("/courses/nope", "/courses/nope/cards/1-x", COURSE + "/cards/51-nothing",
        COURSE + "/cards/not-a-card", COURSE + "/cards/0", "/no/such/page", COURSE + "/cards/99999999999")) {
      HttpResponse<String> page = server.get(path);
      assertEquals(404, page.statusCode(), path);
      assertTrue(page.body().contains("Page not found"), path);
      assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), path);
    }
  }

  @Test
  void aCardNumberOrAnOldSlugRedirectsToTheCanonicalAddress() {
    String canonical = COURSE + "/cards/" + course.card(12).orElseThrow().path();
    for (String path : List.of(COURSE + "/cards/12", COURSE + "/cards/12-an-old-title")) {
      HttpResponse<String> response = server.get(path);
      assertEquals(301, response.statusCode(), path);
      assertEquals(canonical, response.headers().firstValue("Location").orElse(""), path);
    }
  }

  @Test
  void searchFindsTitlesTextAndCode() {
    String code = server.get(COURSE + "/search?q=select_related").body();
    assertTrue(code.contains("href=\"" + COURSE + "/cards/" + course.card(24).orElseThrow().path() + "\""));
    assertTrue(code.contains("<mark>"), "matches are marked");
    String title = server.get(COURSE + "/search?q=Channels").body();
    assertTrue(title.contains(course.card(26).orElseThrow().title().replace("&", "&amp;")));
    String none = server.get(COURSE + "/search?q=zyxwvut").body();
    assertTrue(none.contains("No card mentions"));
    String hostile = server.get(COURSE + "/search?q=%3Cscript%3Ealert(1)%3C/script%3E").body();
    assertFalse(hostile.contains("<script>alert(1)"), "the query is escaped");
    assertEquals(404, server.get("/courses/nope/search?q=x").statusCode());
  }

  @Test
  void assetsAreServedFromTheServerItself() {
    for (String asset : List.of("/assets/vendor/htmx.min.js", "/assets/vendor/hljs/highlight.min.js",
        "/assets/app.js", "/assets/app.css", "/assets/favicon.svg")) {
      HttpResponse<String> response = server.get(asset);
      assertEquals(200, response.statusCode(), asset);
      assertFalse(response.body().isEmpty(), asset);
    }
    String page = server.get(COURSE).body();
    assertFalse(page.contains("://cdn") || page.contains("src=\"http") || page.contains("href=\"http"),
        "no third-party hosts");
    assertEquals(404, server.get("/assets/../pom.xml").statusCode());
  }

  private static String escape(String text) {
    StringOutput out = new StringOutput();
    Escape.htmlContent(text, out);
    return out.toString();
  }
}
