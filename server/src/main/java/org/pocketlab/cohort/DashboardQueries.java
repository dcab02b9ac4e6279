package org.pocketlab.cohort;

import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.CARD_PROGRESS;
import static org.pocketlab.db.schema.Tables.COHORT_MEMBER;
import static org.pocketlab.db.schema.Tables.DAILY_ACTIVITY;
import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.pocketlab.config.StuckSettings;

/**
 * The dashboard's reads, all aggregates in SQL over indexed tables: per-learner counts come from
 * {@code card_progress} (one row per learner and card, by primary key), recent failures from the time index
 * of {@code progress_event} (only the last few minutes are read), activity from {@code daily_activity}.
 * Blocking: run on a db worker.
 */
public final class DashboardQueries {
  private static final short DONE = 3;

  private final StuckSettings stuck;

  public DashboardQueries(StuckSettings stuck) {
    this.stuck = stuck;
  }

  private static Condition learnersOf(UUID cohort) {
    return COHORT_MEMBER.COHORT_ID.eq(cohort).and(COHORT_MEMBER.ROLE.eq(Member.Role.LEARNER.dbValue()));
  }

  /** Every learner of the cohort (or just {@code only}), by name, with counts, last activity and stuck flags. */
  public List<LearnerRow> learners(DSLContext dsl, UUID cohort, String course, int cardCount, UUID only) {
    var cp = CARD_PROGRESS;
    Field<Integer> viewed = DSL.count().filterWhere(cp.STATUS_LEVEL.eq((short) 1)).as("viewed");
    Field<Integer> practised = DSL.count().filterWhere(cp.STATUS_LEVEL.eq((short) 2)).as("practised");
    Field<Integer> done = DSL.count().filterWhere(cp.STATUS_LEVEL.eq(DONE)).as("done");
    Field<OffsetDateTime> last = DSL.max(cp.LAST_AT).as("last_at");
    // An aggregate without GROUP BY yields exactly one row per learner, read through the primary key.
    Table<?> counts = DSL.lateral(DSL.select(viewed, practised, done, last).from(cp)
        .where(cp.COURSE_ID.eq(course), cp.USER_ID.eq(COHORT_MEMBER.USER_ID))).as("counts");
    Condition which = learnersOf(cohort).and(only == null ? DSL.noCondition() : COHORT_MEMBER.USER_ID.eq(only));
    Map<UUID, List<Integer>> failing = failingCards(dsl, cohort, course, only);
    OffsetDateTime idleSince = OffsetDateTime.now(ZoneOffset.UTC).minus(stuck.idle());
    return dsl.select(APP_USER.ID, APP_USER.USERNAME, APP_USER.NAME, APP_USER.EMAIL, COHORT_MEMBER.ADDED_AT,
            counts.field(viewed), counts.field(practised), counts.field(done), counts.field(last))
        .from(COHORT_MEMBER)
        .join(APP_USER).on(APP_USER.ID.eq(COHORT_MEMBER.USER_ID))
        .crossJoin(counts)
        .where(which)
        .orderBy(DSL.lower(APP_USER.NAME), APP_USER.USERNAME)
        .fetch(r -> {
          OffsetDateTime lastActivity = r.get(counts.field(last));
          OffsetDateTime seen = lastActivity != null ? lastActivity : r.get(COHORT_MEMBER.ADDED_AT);
          int d = r.get(counts.field(done));
          boolean inactive = d < cardCount && seen.isBefore(idleSince);
          return new LearnerRow(r.get(APP_USER.ID), r.get(APP_USER.USERNAME), r.get(APP_USER.NAME),
              r.get(APP_USER.EMAIL), r.get(COHORT_MEMBER.ADDED_AT), r.get(counts.field(viewed)),
              r.get(counts.field(practised)), d, lastActivity, failing.getOrDefault(r.get(APP_USER.ID), List.of()),
              inactive);
        });
  }

  /**
   * Cards (not done) on which a learner failed runs or checks at least {@code failures} times within the
   * window: reads only the window's events, through the (course, time) index.
   */
  Map<UUID, List<Integer>> failingCards(DSLContext dsl, UUID cohort, String course, UUID only) {
    var e = PROGRESS_EVENT;
    var cp = CARD_PROGRESS;
    OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minus(stuck.window());
    Map<UUID, List<Integer>> failing = new HashMap<>();
    dsl.select(e.USER_ID, e.CARD_NUMBER)
        .from(e)
        .join(COHORT_MEMBER).on(COHORT_MEMBER.USER_ID.eq(e.USER_ID).and(learnersOf(cohort)))
        .join(cp).on(cp.COURSE_ID.eq(e.COURSE_ID), cp.USER_ID.eq(e.USER_ID), cp.CARD_NUMBER.eq(e.CARD_NUMBER))
        .where(e.COURSE_ID.eq(course), e.RECORDED_AT.gt(since), e.FAILED.isTrue(), cp.STATUS_LEVEL.lt(DONE),
            only == null ? DSL.noCondition() : e.USER_ID.eq(only))
        .groupBy(e.USER_ID, e.CARD_NUMBER)
        .having(DSL.count().ge(stuck.failures()))
        .orderBy(e.CARD_NUMBER)
        .forEach(r -> failing.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2()));
    return failing;
  }

  /** Status levels (1–3) per learner and card, for the given learners only (a page of the matrix). */
  public Map<UUID, Map<Integer, Integer>> cells(DSLContext dsl, String course, Collection<UUID> learners) {
    var cp = CARD_PROGRESS;
    Map<UUID, Map<Integer, Integer>> cells = new HashMap<>();
    if (learners.isEmpty()) return cells;
    dsl.select(cp.USER_ID, cp.CARD_NUMBER, cp.STATUS_LEVEL).from(cp)
        .where(cp.COURSE_ID.eq(course), cp.USER_ID.in(learners))
        .forEach(r -> cells.computeIfAbsent(r.value1(), k -> new HashMap<>()).put(r.value2(), (int) r.value3()));
    return cells;
  }

  /** Per card: how many of the cohort's learners have it at each level (index = level 1–3). */
  public Map<Integer, int[]> cardCounts(DSLContext dsl, UUID cohort, String course) {
    var cp = CARD_PROGRESS;
    Map<Integer, int[]> counts = new HashMap<>();
    dsl.select(cp.CARD_NUMBER, cp.STATUS_LEVEL, DSL.count())
        .from(cp)
        .join(COHORT_MEMBER).on(COHORT_MEMBER.USER_ID.eq(cp.USER_ID).and(learnersOf(cohort)))
        .where(cp.COURSE_ID.eq(course))
        .groupBy(cp.CARD_NUMBER, cp.STATUS_LEVEL)
        .forEach(r -> counts.computeIfAbsent(r.value1(), k -> new int[4])[r.value2()] = r.value3());
    return counts;
  }

  /** Events per UTC day over the last {@code days} days (today included), zero-filled, oldest first. */
  public TreeMap<LocalDate, Integer> activity(DSLContext dsl, UUID cohort, String course, int days) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    TreeMap<LocalDate, Integer> perDay = new TreeMap<>();
    for (int i = days - 1; i >= 0; i--) perDay.put(today.minusDays(i), 0);
    var a = DAILY_ACTIVITY;
    dsl.select(a.DAY, DSL.sum(a.EVENTS).cast(Integer.class))
        .from(a)
        .join(COHORT_MEMBER).on(COHORT_MEMBER.USER_ID.eq(a.USER_ID).and(learnersOf(cohort)))
        .where(a.COURSE_ID.eq(course), a.DAY.ge(today.minusDays(days - 1)))
        .groupBy(a.DAY)
        .forEach(r -> perDay.put(r.value1(), r.value2()));
    return perDay;
  }
}
