package org.pocketlab.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CourseSearchTest {
  private static Course course;
  private static CourseSearch search;

  @BeforeAll
  static void index() throws Exception {
    course = TestBooks.django();
    search = new CourseSearch(course);
  }

  @Test
  void findsSelectRelatedInCard24() {
    List<SearchHit> hits = search.search("select_related", 10);
    assertEquals(24, hits.get(0).card().number());
    assertTrue(hits.get(0).card().examples().get(0).code().contains("select_related(\"profile\")"));
    assertTrue(hits.stream().anyMatch(h -> h.card().number() == 50), "the interview answer mentions it too");
  }

  @Test
  void codeOnlyMatchesComeFromTheCode() {
    List<SearchHit> hits = search.search("get_asgi_application", 10);
    assertEquals(1, hits.size());
    SearchHit hit = hits.get(0);
    assertEquals(4, hit.card().number());
    assertEquals("code", hit.field());
    assertEquals(List.of("get_asgi_application", "get_asgi_application"), matchedTexts(hit));
  }

  @Test
  void titleMatchesRankFirst() {
    List<SearchHit> hits = search.search("Channels", 20);
    assertEquals(List.of(26, 36), hits.subList(0, 2).stream().map(h -> h.card().number()).toList());
    assertEquals("title", hits.get(0).field());
    for (SearchHit hit : hits.subList(2, hits.size())) {
      assertFalse(hit.card().title().contains("Channels"), hit.card().path());
      assertEquals("text", hit.field(), "prose matches rank above code-only ones");
    }
    assertTrue(hits.size() > 2, "cards mentioning Channels in their text are found too");
  }

  @Test
  void everyWordMustMatch() {
    List<SearchHit> both = search.search("celery retries", 50);
    assertFalse(both.isEmpty());
    for (SearchHit hit : both) {
      String all = allText(hit.card());
      assertTrue(all.contains("celery") && all.contains("retries"), hit.card().path());
    }
    int celeryOnly = search.search("celery", 50).size();
    assertTrue(both.size() < celeryOnly, both.size() + " < " + celeryOnly);
    assertEquals(List.of(), search.search("celery xylophone", 50));
  }

  @Test
  void caseAndAccentsDoNotMatter() {
    assertEquals(ids(search.search("channels", 50)), ids(search.search("CHÁNNELS", 50)));
    SearchHit hit = search.search("django's view", 5).get(0);
    assertEquals(50, hit.card().number());
    assertTrue(matchedTexts(hit).contains("Django’s"), matchedTexts(hit).toString());
  }

  @Test
  void blankAndOneCharacterQueriesFindNothing() {
    assertEquals(List.of(), search.search("", 10));
    assertEquals(List.of(), search.search("   ", 10));
    assertEquals(List.of(), search.search(" a ", 10));
    assertEquals(List.of(), search.search(null, 10));
    assertEquals(List.of(), search.search("django", 0));
  }

  @Test
  void longQueriesAreCut() {
    assertEquals(List.of(), CourseSearch.words("x".repeat(5000)).stream().filter(w -> w.length() > 200).toList());
    assertEquals(200, CourseSearch.words("y".repeat(300)).get(0).length());
    assertFalse(search.search("django ".repeat(100) + "xylophone", 10).isEmpty(), "the word past 200 characters is cut off");
  }

  @Test
  void limitAndReadingOrderAmongEquals() {
    List<SearchHit> hits = search.search("django", 5);
    assertEquals(5, hits.size());
    assertEquals("title", hits.get(0).field());
  }

  @Test
  void snippetsAreShortExcerptsWithTheMatchesMarked() {
    for (SearchHit hit : search.search("cache", 50)) {
      String text = hit.snippet().stream().map(Snippet.Part::text).collect(Collectors.joining());
      assertTrue(text.length() <= Snippet.WIDTH + 2, text.length() + ": " + text);
      assertFalse(matchedTexts(hit).isEmpty(), hit.card().path());
      for (String match : matchedTexts(hit)) assertEquals("cache", match.toLowerCase(Locale.ROOT));
    }
    SearchHit pitfalls = search.search("ephemeral containers", 1).get(0);
    assertEquals(49, pitfalls.card().number());
    String text = pitfalls.snippet().stream().map(Snippet.Part::text).collect(Collectors.joining());
    assertTrue(text.startsWith("…") && text.endsWith("…"), text);
    assertEquals(List.of("ephemeral", "containers"), matchedTexts(pitfalls));
  }

  private static List<String> matchedTexts(SearchHit hit) {
    return hit.snippet().stream().filter(Snippet.Part::match).map(Snippet.Part::text).toList();
  }

  private static List<Integer> ids(List<SearchHit> hits) {
    return hits.stream().map(h -> h.card().number()).toList();
  }

  private static String allText(Card card) {
    StringBuilder all = new StringBuilder(card.title());
    card.body().forEach(b -> all.append(' ').append(b instanceof Prose p ? p.markdown() : ((Example) b).code()));
    card.qa().forEach(q -> all.append(' ').append(q.question()).append(' ').append(q.answer()));
    return all.toString().toLowerCase(Locale.ROOT);
  }
}
