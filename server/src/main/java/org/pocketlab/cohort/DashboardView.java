package org.pocketlab.cohort;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.Section;
import org.pocketlab.progress.CardStatus;

/**
 * What the dashboard page shows: one page of the learners × cards matrix, the cohort-wide completion per
 * card and per section, the charts (SVG) and the counts above them.
 */
public record DashboardView(Cohort cohort, Course course, String joinUrl, List<LearnerRow> learners,
    Map<UUID, Map<Integer, Integer>> cells, int learnerCount, int stuckCount, boolean stuckOnly, int page, int pages,
    Map<Integer, int[]> cardCounts, String sectionChart, String activityChart) {

  public static final int PAGE_SIZE = 100;

  public CardStatus status(LearnerRow learner, Card card) {
    Map<Integer, Integer> mine = cells.get(learner.personId());
    return CardStatus.ofLevel(mine == null ? 0 : mine.getOrDefault(card.number(), 0));
  }

  public Map<Integer, Integer> cellsOf(LearnerRow learner) {
    return cells.getOrDefault(learner.personId(), Map.of());
  }

  /** Share of the cohort's learners who are done with the card, in percent. */
  public int percentDone(Card card) {
    int[] counts = cardCounts.get(card.number());
    return counts == null || learnerCount == 0 ? 0 : counts[CardStatus.DONE.level()] * 100 / learnerCount;
  }

  /** Share of the section's learner × card cells that are done, in percent. */
  public int percentDone(Section section) {
    int done = 0;
    for (Card card : section.cards()) {
      int[] counts = cardCounts.get(card.number());
      if (counts != null) done += counts[CardStatus.DONE.level()];
    }
    int cells = section.cards().size() * learnerCount;
    return cells == 0 ? 0 : done * 100 / cells;
  }

  /** Share of all learner × card cells that are done, in percent. */
  public int percentDone() {
    int done = cardCounts.values().stream().mapToInt(c -> c[CardStatus.DONE.level()]).sum();
    int cells = course.cards().size() * learnerCount;
    return cells == 0 ? 0 : done * 100 / cells;
  }

  public String pageLink(int n) {
    return cohort.path() + "?page=" + n + (stuckOnly ? "&show=stuck" : "");
  }

  public String liveUrl() {
    return cohort.path() + "/live";
  }
}
