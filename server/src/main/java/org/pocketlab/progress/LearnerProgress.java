package org.pocketlab.progress;

import static org.pocketlab.db.schema.Tables.CARD_PROGRESS;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.Section;

/**
 * One learner's statuses on the cards of one course, and the card they touched last. {@link #NONE} is what
 * a reader who is not signed in has: no statuses, no badges.
 */
public record LearnerProgress(boolean known, Map<Integer, CardStatus> statuses, Optional<Integer> lastCard) {
  public static final LearnerProgress NONE = new LearnerProgress(false, Map.of(), Optional.empty());

  public LearnerProgress {
    statuses = Map.copyOf(statuses);
  }

  /** One indexed read of the learner's rows in {@code card_progress} (at most one per card). */
  public static LearnerProgress load(DSLContext dsl, UUID person, String course) {
    Map<Integer, CardStatus> statuses = new HashMap<>();
    Integer[] last = {null};
    java.time.OffsetDateTime[] lastAt = {null};
    dsl.select(CARD_PROGRESS.CARD_NUMBER, CARD_PROGRESS.STATUS_LEVEL, CARD_PROGRESS.LAST_AT)
        .from(CARD_PROGRESS)
        .where(CARD_PROGRESS.COURSE_ID.eq(course), CARD_PROGRESS.USER_ID.eq(person))
        .forEach(r -> {
          statuses.put(r.value1(), CardStatus.ofLevel(r.value2()));
          if (lastAt[0] == null || r.value3().isAfter(lastAt[0])) {
            lastAt[0] = r.value3();
            last[0] = r.value1();
          }
        });
    return new LearnerProgress(true, statuses, Optional.ofNullable(last[0]));
  }

  public CardStatus status(Card card) {
    return statuses.getOrDefault(card.number(), CardStatus.NOT_STARTED);
  }

  /** How many cards of the section have each status. */
  public SectionProgress section(Section section) {
    int[] counts = new int[CardStatus.values().length];
    for (Card card : section.cards()) counts[status(card).ordinal()]++;
    return new SectionProgress(section.cards().size(), counts[CardStatus.VIEWED.ordinal()],
        counts[CardStatus.PRACTISED.ordinal()], counts[CardStatus.DONE.ordinal()]);
  }

  /**
   * Where to continue: the card touched last, unless it is done, then the first card after it that is not
   * done (wrapping round to the start); empty before any progress or when every card is done.
   */
  public Optional<Card> continueAt(Course course) {
    if (lastCard.isEmpty()) return Optional.empty();
    List<Card> cards = course.cards();
    int start = 0;
    for (int i = 0; i < cards.size(); i++) if (cards.get(i).number() == lastCard.get()) start = i;
    for (int k = 0; k < cards.size(); k++) {
      Card card = cards.get((start + k) % cards.size());
      if (status(card) != CardStatus.DONE) return Optional.of(card);
    }
    return Optional.empty();
  }

  public record SectionProgress(int cards, int viewed, int practised, int done) {
    public int started() {
      return viewed + practised + done;
    }

    /** Done cards as a percentage, rounded down. */
    public int percentDone() {
      return cards == 0 ? 0 : done * 100 / cards;
    }
  }
}
