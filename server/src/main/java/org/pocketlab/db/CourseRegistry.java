package org.pocketlab.db;

import static org.pocketlab.db.schema.Tables.CARD;
import static org.pocketlab.db.schema.Tables.COURSE;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Row5;
import org.jooq.impl.DSL;
import org.pocketlab.course.Block;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.Example;
import org.pocketlab.course.Prose;
import org.pocketlab.course.QaItem;

/**
 * Mirrors the courses loaded from content files into the course and card tables, so that people's
 * data can refer to them with foreign keys. Cards are identified by (course, number).
 */
public final class CourseRegistry {

  private CourseRegistry() {}

  /**
   * Makes the database hold exactly this course and its cards, in one transaction: rows are upserted,
   * cards no longer in the content are deleted (and what refers to them, by cascade).
   */
  public static void sync(DSLContext dsl, Course course, String contentHash) {
    List<Card> cards = course.cards();
    requireUnique(course, cards);
    dsl.transaction(configuration -> {
      DSLContext tx = configuration.dsl();
      tx.insertInto(COURSE)
          .set(COURSE.ID, course.id())
          .set(COURSE.TITLE, course.title())
          .set(COURSE.CONTENT_HASH, contentHash)
          .set(COURSE.CARD_COUNT, cards.size())
          .onConflict(COURSE.ID)
          .doUpdate()
          .set(COURSE.TITLE, DSL.excluded(COURSE.TITLE))
          .set(COURSE.CONTENT_HASH, DSL.excluded(COURSE.CONTENT_HASH))
          .set(COURSE.CARD_COUNT, DSL.excluded(COURSE.CARD_COUNT))
          .set(COURSE.LOADED_AT, DSL.currentOffsetDateTime())
          .execute();

      List<Integer> numbers = cards.stream().map(Card::number).toList();
      tx.deleteFrom(CARD)
          .where(CARD.COURSE_ID.eq(course.id()))
          .and(numbers.isEmpty() ? DSL.trueCondition() : CARD.NUMBER.notIn(numbers))
          .execute();
      if (cards.isEmpty()) return;

      // Slugs may move between numbers here; card_slug_unique is checked at commit (deferred).
      List<Row5<String, Integer, String, String, Integer>> rows = cards.stream()
          .map(card -> DSL.row(course.id(), card.number(), card.slug(), card.title(), card.sectionNumber()))
          .toList();
      tx.insertInto(CARD, CARD.COURSE_ID, CARD.NUMBER, CARD.SLUG, CARD.TITLE, CARD.SECTION)
          .valuesOfRows(rows)
          .onConflict(CARD.COURSE_ID, CARD.NUMBER)
          .doUpdate()
          .set(CARD.SLUG, DSL.excluded(CARD.SLUG))
          .set(CARD.TITLE, DSL.excluded(CARD.TITLE))
          .set(CARD.SECTION, DSL.excluded(CARD.SECTION))
          .execute();
    });
  }

  /** SHA-256 (hex) of everything a reader sees on the course's cards; changes whenever the content does. */
  public static String contentHash(Course course) {
    HashInput in = new HashInput();
    for (Card card : course.cards()) {
      in.tag('C').number(card.number()).text(card.slug()).text(card.title())
          .number(card.sectionNumber()).text(card.kind().name());
      for (Block block : card.body()) {
        if (block instanceof Prose prose) {
          in.tag('P').text(prose.markdown());
        } else if (block instanceof Example example) {
          in.tag('E').number(example.index()).text(example.language()).text(example.code());
        } else {
          throw new IllegalArgumentException("Unknown block type " + block.getClass());
        }
      }
      for (QaItem qa : card.qa()) {
        in.tag('Q').number(qa.number()).text(qa.question()).text(qa.answer());
      }
    }
    return in.hex();
  }

  /** The upsert would fail obscurely on duplicates; say which card is at fault instead. */
  private static void requireUnique(Course course, List<Card> cards) {
    Set<Integer> numbers = new HashSet<>();
    Set<String> slugs = new HashSet<>();
    for (Card card : cards) {
      if (!numbers.add(card.number())) {
        throw new IllegalArgumentException("Course " + course.id() + " has two cards numbered " + card.number());
      }
      if (!slugs.add(card.slug())) {
        throw new IllegalArgumentException("Course " + course.id() + " has two cards with slug " + card.slug());
      }
    }
  }

  /** Feeds fields to the digest length-prefixed and tagged, so that no two renderings collide. */
  private static final class HashInput {
    private final MessageDigest digest;

    HashInput() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    HashInput tag(char tag) {
      digest.update((byte) tag);
      return this;
    }

    HashInput number(int value) {
      digest.update(ByteBuffer.allocate(4).putInt(value).array());
      return this;
    }

    HashInput text(String value) {
      if (value == null) return number(-1);
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      number(bytes.length);
      digest.update(bytes);
      return this;
    }

    String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
