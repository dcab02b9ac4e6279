package org.pocketlab.flashcards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FSRS-5 scheduler against the reference values published with FSRS-5 (open-spaced-repetition/ts-fsrs,
 * {@code __tests__/FSRS-5.test.ts}, default weights, no fuzz), plus its bounds and due dates on a fixed clock.
 */
class FsrsTest {
  private static final Instant T0 = Instant.parse("2022-11-29T12:30:00Z");
  private final Fsrs fsrs = new Fsrs();

  @Test
  void intervalsForASequenceOfGradesMatchTheReference() {
    Grade g = Grade.GOOD;
    Grade a = Grade.AGAIN;
    List<Long> intervals = new ArrayList<>();
    Memory memory = Memory.fresh(T0);
    Instant now = T0;
    for (Grade grade : List.of(g, g, g, g, g, g, a, a, g, g, g, g, g)) {
      memory = fsrs.review(memory, grade, now);
      intervals.add(Duration.between(memory.lastReview(), memory.due()).toDays());
      now = memory.due(); // answered exactly when due
    }
    assertEquals(List.of(0L, 4L, 14L, 44L, 125L, 328L, 0L, 0L, 7L, 16L, 34L, 71L, 142L), intervals);
    assertEquals(1, memory.lapses(), "the two Agains are one lapse (the second one is relearning)");
    assertEquals(13, memory.reps());
  }

  @Test
  void memoryStateMatchesTheReference() {
    Grade g = Grade.GOOD;
    Memory memory = Memory.fresh(T0);
    Instant now = T0;
    List<Grade> grades = List.of(Grade.AGAIN, g, g, g, g, g);
    int[] daysAfter = {0, 0, 1, 3, 8, 21};
    for (int i = 0; i < grades.size(); i++) {
      memory = fsrs.review(memory, grades.get(i), now);
      now = now.plus(Duration.ofDays(daysAfter[i]));
    }
    Memory next = fsrs.review(memory, Grade.GOOD, now);
    assertEquals(48.717, next.stability(), 1e-4);
    assertEquals(7.0866, next.difficulty(), 1e-4);
  }

  @Test
  void firstAnswerSetsInitialStabilityDifficultyAndDueTime() {
    double[] stability = {0.40255, 1.18385, 3.173, 15.69105};
    double[] difficulty = {7.1949, 6.48830527, 5.28243442, 3.22450159};
    Duration[] wait = {Duration.ofMinutes(1), Duration.ofSeconds(330), Duration.ofMinutes(10), Duration.ofDays(16)};
    Phase[] phase = {Phase.LEARNING, Phase.LEARNING, Phase.LEARNING, Phase.REVIEW};
    for (Grade grade : Grade.values()) {
      int i = grade.value() - 1;
      Memory m = fsrs.review(Memory.fresh(T0), grade, T0);
      assertEquals(stability[i], m.stability(), 1e-9, grade + " stability");
      assertEquals(difficulty[i], m.difficulty(), 1e-8, grade + " difficulty");
      assertEquals(T0.plus(wait[i]), m.due(), grade + " due");
      assertEquals(phase[i], m.phase(), grade + " phase");
      assertEquals(T0, m.lastReview());
      assertEquals(1, m.reps());
    }
  }

  @Test
  void learningStepsThenGraduation() {
    Memory m = fsrs.review(Memory.fresh(T0), Grade.GOOD, T0);
    assertEquals(1, m.step());
    Instant tenMinutes = T0.plus(Duration.ofMinutes(10));
    Memory again = fsrs.review(m, Grade.AGAIN, tenMinutes);
    assertEquals(Phase.LEARNING, again.phase());
    assertEquals(0, again.step(), "Again goes back to the first step");
    assertEquals(tenMinutes.plus(Duration.ofMinutes(1)), again.due());
    Memory hard = fsrs.review(m, Grade.HARD, tenMinutes);
    assertEquals(1, hard.step(), "Hard repeats the step");
    assertEquals(tenMinutes.plus(Duration.ofMinutes(10)), hard.due());

    Memory graduated = fsrs.review(m, Grade.GOOD, tenMinutes);
    assertEquals(Phase.REVIEW, graduated.phase());
    assertNull(graduated.step());
    // Same day: short-term stability S·e^(w17·(G-3+w18)); the interval is S rounded.
    double s = 3.173 * Math.exp(0.51655 * 0.6621);
    assertEquals(s, graduated.stability(), 1e-9);
    assertEquals(tenMinutes.plus(Duration.ofDays(Math.round(s))), graduated.due());
  }

  @Test
  void aLapseRelearnsInTenMinutesWithLowerStability() {
    Memory review = fsrs.review(Memory.fresh(T0), Grade.EASY, T0); // 16 days
    Instant due = review.due();
    Memory lapsed = fsrs.review(review, Grade.AGAIN, due);
    assertEquals(Phase.RELEARNING, lapsed.phase());
    assertEquals(due.plus(Duration.ofMinutes(10)), lapsed.due());
    assertEquals(1, lapsed.lapses());
    double cap = review.stability() / Math.exp(0.51655 * 0.6621);
    assertTrue(lapsed.stability() <= cap + 1e-12, "post-lapse stability is capped at S/e^(w17·w18)");
    assertTrue(lapsed.difficulty() > review.difficulty(), "forgetting makes the card harder");

    Memory relearned = fsrs.review(lapsed, Grade.GOOD, lapsed.due());
    assertEquals(Phase.REVIEW, relearned.phase());
    assertEquals(1, relearned.lapses(), "relearning is not another lapse");
    assertTrue(Duration.between(relearned.lastReview(), relearned.due()).toDays() >= 1);
  }

  @Test
  void difficultyStaysWithinOneToTen() {
    Memory easy = Memory.fresh(T0);
    for (int i = 0; i < 10; i++) easy = fsrs.review(easy, Grade.EASY, T0.plusNanos(i * 1000L));
    assertEquals(1.0, easy.difficulty(), "ten Easy answers bottom out at 1");

    Memory again = Memory.fresh(T0);
    Instant now = T0;
    for (int i = 0; i < 30; i++) {
      again = fsrs.review(again, Grade.AGAIN, now);
      now = again.due();
    }
    assertTrue(again.difficulty() <= 10 && again.difficulty() > 9.5, "Again approaches 10: " + again.difficulty());
    assertEquals(Fsrs.MIN_STABILITY, again.stability(), "stability never reaches zero");
  }

  @Test
  void retrievabilityIsNinetyPercentAfterStabilityDays() {
    Memory m = new Memory(Phase.REVIEW, null, 10.0, 5.0, T0.plus(Duration.ofDays(10)), T0, 3, 0);
    assertEquals(1.0, fsrs.retrievability(m, T0), 1e-12);
    assertEquals(0.9, fsrs.retrievability(m, T0.plus(Duration.ofDays(10))), 1e-12);
    assertEquals(0.9, fsrs.retrievability(m, T0.plus(Duration.ofDays(10)).plus(Duration.ofHours(23))), 1e-12,
        "elapsed time counts in whole days");
    assertEquals(0.0, fsrs.retrievability(Memory.fresh(T0), T0), "a new card has not been learned");
  }

  @Test
  void intervalsAreRoundedAndBounded() {
    assertEquals(1, Fsrs.intervalDays(0.3), "at least a day");
    assertEquals(2, Fsrs.intervalDays(2.5), "half to even, like py-fsrs");
    assertEquals(4, Fsrs.intervalDays(3.5));
    assertEquals(36500, Fsrs.intervalDays(1e9), "at most a hundred years");
  }

  @Test
  void dueDatesFollowTheReviewTime() {
    Instant morning = Instant.parse("2024-03-01T09:00:00Z");
    Memory m = fsrs.review(Memory.fresh(morning), Grade.EASY, morning);
    assertEquals(Instant.parse("2024-03-17T09:00:00Z"), m.due());
    Memory early = fsrs.review(m, Grade.GOOD, Instant.parse("2024-03-10T09:00:00Z"));
    Memory onTime = fsrs.review(m, Grade.GOOD, m.due());
    assertTrue(early.stability() < onTime.stability(), "an early review teaches less (higher retrievability)");
    assertEquals(Instant.parse("2024-03-10T09:00:00Z").plus(Duration.ofDays(Fsrs.intervalDays(early.stability()))),
        early.due());
  }

  @Test
  void gradesParseFromWordsAndDigits() {
    assertEquals(Grade.GOOD, Grade.parse("good").orElseThrow());
    assertEquals(Grade.EASY, Grade.parse("4").orElseThrow());
    assertTrue(Grade.parse("5").isEmpty());
    assertTrue(Grade.parse(null).isEmpty());
  }
}
