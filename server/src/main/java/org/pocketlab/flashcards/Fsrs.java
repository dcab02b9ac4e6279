package org.pocketlab.flashcards;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The FSRS-5 spaced-repetition scheduler (Free Spaced Repetition Scheduler, version 5, by
 * open-spaced-repetition), with its published default weights and without fuzz, so that the same answers
 * always give the same schedule.
 *
 * <p>Memory model (FSRS-5's formulas, as in open-spaced-repetition's py-fsrs and ts-fsrs):
 * <ul>
 *   <li>retrievability {@code R(t,S) = (1 + F·t/S)^D} with {@code D = -0.5}, {@code F = 19/81}, so R = 0.9
 *       when t = S; t counts whole days since the last review;
 *   <li>first answer: {@code S0 = w[G-1]}, {@code D0(G) = w4 - e^(w5·(G-1)) + 1}, clamped to [1, 10];
 *   <li>difficulty: {@code D' = D - w6·(G-3)·(10-D)/9}, then mean reversion
 *       {@code w7·D0(4) + (1-w7)·D'}, clamped to [1, 10];
 *   <li>recall (G ≥ 2): {@code S' = S·(1 + e^w8·(11-D)·S^-w9·(e^(w10·(1-R)) - 1)·(w15 if Hard)·(w16 if Easy))};
 *   <li>lapse (G = 1): {@code S' = min(w11·D^-w12·((S+1)^w13 - 1)·e^(w14·(1-R)), S / e^(w17·w18))};
 *   <li>a second answer on the same day: {@code S' = S·e^(w17·(G-3+w18))};
 *   <li>next interval {@code I = S/F·(r^(1/D) - 1)} days for desired retention r = 0.9, i.e. I = S,
 *       rounded half-to-even, at least 1 and at most 36500 days.
 * </ul>
 *
 * <p>Scheduler (as py-fsrs's {@code Scheduler}): new cards go through learning steps of 1 and 10
 * minutes (Again: back to the first step; Hard: stay, 5.5 minutes for the first step; Good: next step or
 * graduate; Easy: graduate), review cards that get Again relearn in a 10-minute step, and a graduated card
 * comes back after the interval above.
 */
public final class Fsrs {
  /**
   * FSRS-5's default weights w0…w18, as published with FSRS-5 and used by the reference tests this class
   * is checked against (open-spaced-repetition/ts-fsrs, {@code __tests__/FSRS-5.test.ts}).
   */
  public static final List<Double> DEFAULT_WEIGHTS = List.of(
      0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192, 1.01925, 1.9395,
      0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621);
  static final double DECAY = -0.5;
  // 19/81, computed as py-fsrs does so that an interval at r = 0.9 is S to the last bit
  static final double FACTOR = Math.pow(0.9, 1 / DECAY) - 1;
  static final double DESIRED_RETENTION = 0.9;
  static final int MAXIMUM_INTERVAL_DAYS = 36500;
  static final double MIN_STABILITY = 0.01; // repeated Again keeps halving S; keep it above zero
  static final double MIN_DIFFICULTY = 1;
  static final double MAX_DIFFICULTY = 10;
  static final List<Duration> LEARNING_STEPS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(10));
  static final List<Duration> RELEARNING_STEPS = List.of(Duration.ofMinutes(10));
  private static final Duration DAY = Duration.ofDays(1);

  private final double[] w;

  public Fsrs() {
    this(DEFAULT_WEIGHTS);
  }

  Fsrs(List<Double> weights) {
    if (weights.size() != 19) throw new IllegalArgumentException("FSRS-5 has 19 weights, not " + weights.size());
    this.w = weights.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The memory after answering {@code grade} at {@code at}, with its next due time. */
  public Memory review(Memory memory, Grade grade, Instant at) {
    long daysSinceLast = memory.lastReview() == null ? -1 : wholeDays(memory.lastReview(), at);
    double stability;
    double difficulty;
    if (memory.isNew()) {
      stability = initialStability(grade);
      difficulty = clampDifficulty(initialDifficulty(grade));
    } else {
      stability = daysSinceLast >= 0 && daysSinceLast < 1
          ? shortTermStability(memory.stability(), grade)
          : longTermStability(memory.difficulty(), memory.stability(), retrievability(memory, at), grade);
      difficulty = nextDifficulty(memory.difficulty(), grade);
    }
    stability = Math.max(MIN_STABILITY, stability);

    Phase phase;
    Integer step;
    Duration wait;
    int lapses = memory.lapses();
    if (memory.phase() == Phase.REVIEW) {
      if (grade == Grade.AGAIN) {
        phase = Phase.RELEARNING;
        step = 0;
        wait = RELEARNING_STEPS.get(0);
        lapses++;
      } else {
        phase = Phase.REVIEW;
        step = null;
        wait = DAY.multipliedBy(intervalDays(stability));
      }
    } else {
      List<Duration> steps = memory.phase() == Phase.LEARNING ? LEARNING_STEPS : RELEARNING_STEPS;
      int current = Math.min(memory.step() == null ? 0 : memory.step(), steps.size() - 1);
      boolean graduates = grade == Grade.EASY || (grade == Grade.GOOD && current + 1 == steps.size());
      if (graduates) {
        phase = Phase.REVIEW;
        step = null;
        wait = DAY.multipliedBy(intervalDays(stability));
      } else {
        phase = memory.phase();
        switch (grade) {
          case AGAIN -> {
            step = 0;
            wait = steps.get(0);
          }
          case HARD -> {
            step = current;
            wait = current > 0 ? steps.get(current)
                : steps.size() == 1 ? scaled(steps.get(0), 1.5)
                : scaled(steps.get(0).plus(steps.get(1)), 0.5);
          }
          default -> {
            step = current + 1;
            wait = steps.get(current + 1);
          }
        }
      }
    }
    return new Memory(phase, step, stability, difficulty, at.plus(wait), at, memory.reps() + 1, lapses);
  }

  /** The probability of recalling the card at {@code at}: 0 for a card never answered. */
  public double retrievability(Memory memory, Instant at) {
    if (memory.isNew() || memory.lastReview() == null) return 0;
    long days = Math.max(0, wholeDays(memory.lastReview(), at));
    return Math.pow(1 + FACTOR * days / memory.stability(), DECAY);
  }

  /** Days until recall drops to the desired retention: S itself for r = 0.9, rounded as py-fsrs does. */
  static long intervalDays(double stability) {
    double days = stability / FACTOR * (Math.pow(DESIRED_RETENTION, 1 / DECAY) - 1);
    return (long) Math.max(1, Math.min(MAXIMUM_INTERVAL_DAYS, Math.rint(days)));
  }

  double initialStability(Grade grade) {
    return w[grade.value() - 1];
  }

  double initialDifficulty(Grade grade) {
    return w[4] - Math.exp(w[5] * (grade.value() - 1)) + 1;
  }

  double nextDifficulty(double difficulty, Grade grade) {
    double delta = -w[6] * (grade.value() - 3);
    double damped = difficulty + delta * (10 - difficulty) / 9; // smaller steps near the top
    double reverted = w[7] * initialDifficulty(Grade.EASY) + (1 - w[7]) * damped;
    return clampDifficulty(reverted);
  }

  double shortTermStability(double stability, Grade grade) {
    return stability * Math.exp(w[17] * (grade.value() - 3 + w[18]));
  }

  private double longTermStability(double difficulty, double stability, double retrievability, Grade grade) {
    if (grade == Grade.AGAIN) {
      double forgotten = w[11] * Math.pow(difficulty, -w[12]) * (Math.pow(stability + 1, w[13]) - 1)
          * Math.exp(w[14] * (1 - retrievability));
      return Math.min(forgotten, stability / Math.exp(w[17] * w[18]));
    }
    double hardPenalty = grade == Grade.HARD ? w[15] : 1;
    double easyBonus = grade == Grade.EASY ? w[16] : 1;
    return stability * (1 + Math.exp(w[8]) * (11 - difficulty) * Math.pow(stability, -w[9])
        * (Math.exp(w[10] * (1 - retrievability)) - 1) * hardPenalty * easyBonus);
  }

  private static double clampDifficulty(double d) {
    return Math.max(MIN_DIFFICULTY, Math.min(MAX_DIFFICULTY, d));
  }

  /** Whole days between two instants, rounded down, as py-fsrs's {@code timedelta.days}. */
  private static long wholeDays(Instant from, Instant to) {
    return Math.floorDiv(Duration.between(from, to).toSeconds(), DAY.toSeconds());
  }

  private static Duration scaled(Duration d, double factor) {
    return Duration.ofMillis(Math.round(d.toMillis() * factor));
  }
}
