package org.pocketlab.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.Courses.card;
import static org.pocketlab.db.Courses.qaCard;
import static org.pocketlab.db.Courses.sample;
import static org.pocketlab.db.schema.Tables.CARD;
import static org.pocketlab.db.schema.Tables.COURSE;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.Example;
import org.pocketlab.course.Prose;
import org.pocketlab.db.schema.tables.records.CourseRecord;
import org.pocketlab.testsupport.TestPostgres;

@ExtendWith(VertxExtension.class)
class CourseRegistryTest {

  private Database db;
  private DSLContext dsl;

  @BeforeEach
  void openDatabase(Vertx vertx) {
    db = Database.open(vertx, TestPostgres.freshDatabase(2));
    dsl = db.dsl();
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void syncStoresTheCourseAndItsCards() {
    Course course = sample("django", card(1, "intro", 1), card(2, "setup", 1), qaCard(3, "interview", 2));
    CourseRegistry.sync(dsl, course, CourseRegistry.contentHash(course));

    CourseRecord row = dsl.selectFrom(COURSE).where(COURSE.ID.eq("django")).fetchOne();
    assertEquals("Course django", row.getTitle());
    assertEquals(CourseRegistry.contentHash(course), row.getContentHash());
    assertEquals(3, row.getCardCount());
    assertEquals(List.of("1 intro 1 Title of intro", "2 setup 1 Title of setup", "3 interview 2 Questions on interview"),
        cardRows("django"));
  }

  @Test
  void syncIsIdempotent() {
    Course course = sample("django", card(1, "intro", 1), card(2, "setup", 1));
    CourseRegistry.sync(dsl, course, CourseRegistry.contentHash(course));
    List<String> before = cardRows("django");

    CourseRegistry.sync(dsl, course, CourseRegistry.contentHash(course));

    assertEquals(before, cardRows("django"));
    assertEquals(1, dsl.fetchCount(COURSE));
    assertEquals(2, dsl.fetchCount(CARD));
  }

  @Test
  void syncRemovesDroppedCardsAndUpdatesChangedOnes() {
    Course v1 = sample("django", card(1, "intro", 1), card(2, "setup", 1), card(3, "views", 2));
    CourseRegistry.sync(dsl, v1, CourseRegistry.contentHash(v1));

    Course v2 = sample("django", card(1, "welcome", 1), card(2, "setup", 2));
    CourseRegistry.sync(dsl, v2, CourseRegistry.contentHash(v2));

    assertEquals(List.of("1 welcome 1 Title of welcome", "2 setup 2 Title of setup"), cardRows("django"));
    assertEquals(2, dsl.select(COURSE.CARD_COUNT).from(COURSE).fetchOne(COURSE.CARD_COUNT));
    assertEquals(CourseRegistry.contentHash(v2), dsl.select(COURSE.CONTENT_HASH).from(COURSE).fetchOne(COURSE.CONTENT_HASH));
  }

  @Test
  void syncHandlesSlugsMovingBetweenNumbers() {
    Course v1 = sample("django", card(1, "intro", 1), card(2, "models", 1), card(3, "views", 1));
    CourseRegistry.sync(dsl, v1, CourseRegistry.contentHash(v1));

    // A card inserted in the middle renumbers the ones after it.
    Course v2 = sample("django", card(1, "intro", 1), card(2, "settings", 1), card(3, "models", 1), card(4, "views", 1));
    CourseRegistry.sync(dsl, v2, CourseRegistry.contentHash(v2));
    assertEquals(List.of("intro", "settings", "models", "views"), slugs("django"));

    // And one removed in the middle moves them back.
    Course v3 = sample("django", card(1, "intro", 1), card(2, "models", 1), card(3, "views", 1));
    CourseRegistry.sync(dsl, v3, CourseRegistry.contentHash(v3));
    assertEquals(List.of("intro", "models", "views"), slugs("django"));
  }

  @Test
  void coursesAreKeptApart() {
    Course django = sample("django", card(1, "intro", 1));
    Course flask = sample("flask", card(1, "intro", 1), card(2, "routes", 1));
    CourseRegistry.sync(dsl, django, CourseRegistry.contentHash(django));
    CourseRegistry.sync(dsl, flask, CourseRegistry.contentHash(flask));

    Course emptied = sample("flask");
    CourseRegistry.sync(dsl, emptied, CourseRegistry.contentHash(emptied));

    assertEquals(List.of("intro"), slugs("django"));
    assertEquals(List.of(), slugs("flask"));
  }

  @Test
  void duplicateCardsAreRejectedBeforeTouchingTheDatabase() {
    Course twiceNumbered = sample("django", card(1, "intro", 1), card(1, "setup", 1));
    var e = assertThrows(IllegalArgumentException.class, () -> CourseRegistry.sync(dsl, twiceNumbered, "h"));
    assertTrue(e.getMessage().contains("two cards numbered 1"), e.getMessage());

    Course twiceSlugged = sample("django", card(1, "intro", 1), card(2, "intro", 1));
    assertThrows(IllegalArgumentException.class, () -> CourseRegistry.sync(dsl, twiceSlugged, "h"));
    assertEquals(0, dsl.fetchCount(COURSE));
  }

  @Test
  void contentHashIsStableAndSeesEveryVisibleChange() {
    Course course = sample("django", card(1, "intro", 1), qaCard(2, "interview", 1));
    String hash = CourseRegistry.contentHash(course);
    assertTrue(hash.matches("[0-9a-f]{64}"), hash);
    assertEquals(hash, CourseRegistry.contentHash(sample("django", card(1, "intro", 1), qaCard(2, "interview", 1))));

    Card intro = card(1, "intro", 1);
    Card editedCode = new Card(1, "intro", intro.title(), 1, Card.Kind.LESSON,
        List.of(intro.body().get(0), new Example(1, "python", "print('changed')")), List.of());
    Card editedText = new Card(1, "intro", intro.title(), 1, Card.Kind.LESSON,
        List.of(new Prose("Other words.", "<p>Other words.</p>"), intro.body().get(1)), List.of());
    Card retitled = new Card(1, "intro", "Another title", 1, Card.Kind.LESSON, intro.body(), List.of());
    Card moved = card(1, "intro", 2);
    for (Card changed : List.of(editedCode, editedText, retitled, moved)) {
      assertNotEquals(hash, CourseRegistry.contentHash(sample("django", changed, qaCard(2, "interview", 1))));
    }
  }

  private List<String> cardRows(String courseId) {
    return dsl.select(CARD.NUMBER, CARD.SLUG, CARD.SECTION, CARD.TITLE)
        .from(CARD)
        .where(CARD.COURSE_ID.eq(courseId))
        .orderBy(CARD.NUMBER)
        .fetch(r -> r.value1() + " " + r.value2() + " " + r.value3() + " " + r.value4());
  }

  private List<String> slugs(String courseId) {
    return dsl.select(CARD.SLUG).from(CARD).where(CARD.COURSE_ID.eq(courseId)).orderBy(CARD.NUMBER).fetch(CARD.SLUG);
  }
}
