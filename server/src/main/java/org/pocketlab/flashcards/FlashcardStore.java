package org.pocketlab.flashcards;

import static org.pocketlab.db.schema.Tables.FLASHCARD_ANSWER;
import static org.pocketlab.db.schema.Tables.FLASHCARD_MEMORY;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.pocketlab.db.schema.tables.records.FlashcardAnswerRecord;
import org.pocketlab.db.schema.tables.records.FlashcardMemoryRecord;

/** Learners' flashcard memories and answers in PostgreSQL. Blocking: call through {@code Database}. */
final class FlashcardStore {
  private FlashcardStore() {}

  /** Card and item number of a flashcard, as the key of a learner's memories. */
  record Key(int card, int item) {
    static Key of(Flashcard f) {
      return new Key(f.cardNumber(), f.itemNumber());
    }
  }

  /** A stored answer: whose, for which flashcard, and what it scheduled. */
  record StoredAnswer(UUID id, UUID user, String course, Key key, Grade grade, Instant answeredAt, Phase phase,
      Instant due) {}

  static Map<Key, Memory> memories(DSLContext dsl, UUID user, String course) {
    Map<Key, Memory> memories = new HashMap<>();
    dsl.selectFrom(FLASHCARD_MEMORY)
        .where(FLASHCARD_MEMORY.USER_ID.eq(user), FLASHCARD_MEMORY.COURSE_ID.eq(course))
        .forEach(r -> memories.put(new Key(r.getCardNumber(), r.getItemNumber()), memory(r)));
    return memories;
  }

  static Optional<Memory> memory(DSLContext dsl, UUID user, String course, Key key) {
    return dsl.selectFrom(FLASHCARD_MEMORY)
        .where(FLASHCARD_MEMORY.USER_ID.eq(user), FLASHCARD_MEMORY.COURSE_ID.eq(course),
            FLASHCARD_MEMORY.CARD_NUMBER.eq(key.card()), FLASHCARD_MEMORY.ITEM_NUMBER.eq(key.item()))
        .fetchOptional()
        .map(FlashcardStore::memory);
  }

  static Optional<StoredAnswer> answer(DSLContext dsl, UUID id) {
    return dsl.selectFrom(FLASHCARD_ANSWER).where(FLASHCARD_ANSWER.ID.eq(id)).fetchOptional()
        .map(FlashcardStore::answer);
  }

  /**
   * Answers of one learner in one course wait for each other here (until the transaction ends), so two
   * grades sent at once for a card never both start from the same memory.
   */
  static void lockLearner(DSLContext dsl, UUID user, String course) {
    dsl.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "flashcards/" + user + "/" + course);
  }

  /** Records the answer and the memory it produced, in the caller's transaction. */
  static void save(DSLContext dsl, UUID user, String course, Key key, UUID answerId, Grade grade, Memory memory) {
    dsl.insertInto(FLASHCARD_ANSWER)
        .set(FLASHCARD_ANSWER.ID, answerId)
        .set(FLASHCARD_ANSWER.USER_ID, user)
        .set(FLASHCARD_ANSWER.COURSE_ID, course)
        .set(FLASHCARD_ANSWER.CARD_NUMBER, key.card())
        .set(FLASHCARD_ANSWER.ITEM_NUMBER, key.item())
        .set(FLASHCARD_ANSWER.GRADE, (short) grade.value())
        .set(FLASHCARD_ANSWER.ANSWERED_AT, utc(memory.lastReview()))
        .set(FLASHCARD_ANSWER.PHASE_AFTER, memory.phase().key())
        .set(FLASHCARD_ANSWER.DUE_AFTER, utc(memory.due()))
        .execute();
    FlashcardMemoryRecord row = dsl.newRecord(FLASHCARD_MEMORY);
    row.setUserId(user);
    row.setCourseId(course);
    row.setCardNumber(key.card());
    row.setItemNumber(key.item());
    row.setPhase(memory.phase().key());
    row.setStep(memory.step());
    row.setStability(memory.stability());
    row.setDifficulty(memory.difficulty());
    row.setDueAt(utc(memory.due()));
    row.setLastReviewAt(utc(memory.lastReview()));
    row.setReps(memory.reps());
    row.setLapses(memory.lapses());
    dsl.insertInto(FLASHCARD_MEMORY).set(row)
        .onConflict(FLASHCARD_MEMORY.USER_ID, FLASHCARD_MEMORY.COURSE_ID, FLASHCARD_MEMORY.CARD_NUMBER,
            FLASHCARD_MEMORY.ITEM_NUMBER)
        .doUpdate().set(row)
        .execute();
  }

  private static Memory memory(FlashcardMemoryRecord r) {
    return new Memory(Phase.of(r.getPhase()), r.getStep(), r.getStability(), r.getDifficulty(),
        r.getDueAt().toInstant(), r.getLastReviewAt().toInstant(), r.getReps(), r.getLapses());
  }

  private static StoredAnswer answer(FlashcardAnswerRecord r) {
    return new StoredAnswer(r.getId(), r.getUserId(), r.getCourseId(), new Key(r.getCardNumber(), r.getItemNumber()),
        Grade.of(r.getGrade()), r.getAnsweredAt().toInstant(), Phase.of(r.getPhaseAfter()), r.getDueAfter().toInstant());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
