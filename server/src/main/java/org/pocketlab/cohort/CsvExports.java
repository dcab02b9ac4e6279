package org.pocketlab.cohort;

import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.COHORT_MEMBER;
import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.db.Database;
import org.pocketlab.progress.CardStatus;

/**
 * The dashboard as CSV: the matrix (one row per learner, one column per card, statuses as words) and the
 * raw events of the cohort's learners in the course. Events are streamed in pages of 5,000 in time order
 * (keyset on the course-and-time index), waiting while the client is slower than the database, so a
 * million events never sit in memory.
 */
final class CsvExports {
  private static final int PAGE = 5_000;

  private final org.pocketlab.course.CourseCatalog catalog;
  private final Database database;
  private final DashboardQueries queries;

  CsvExports(org.pocketlab.course.CourseCatalog catalog, Database database, DashboardQueries queries) {
    this.catalog = catalog;
    this.database = database;
    this.queries = queries;
  }

  void matrix(RoutingContext ctx) {
    Cohort cohort = CohortAccess.cohort(ctx);
    Course course = DashboardPages.course(catalog, cohort);
    database.query(dsl -> {
          List<LearnerRow> learners = queries.learners(dsl, cohort.id(), course.id(), course.cards().size(), null);
          Map<UUID, Map<Integer, Integer>> cells =
              queries.cells(dsl, course.id(), learners.stream().map(LearnerRow::personId).toList());
          StringBuilder csv = new StringBuilder(256 + learners.size() * (course.cards().size() * 10 + 120));
          List<Object> header = new ArrayList<>(List.of("username", "name", "email", "done", "practised", "viewed",
              "percent_done", "last_activity_utc", "stuck"));
          for (Card card : course.cards()) header.add("card_" + card.number());
          csv.append(Csv.line(header));
          for (LearnerRow l : learners) {
            List<Object> row = new ArrayList<>(List.of(l.username(), l.displayName(), l.email() == null ? "" : l.email(),
                l.done(), l.practised(), l.viewed(), l.percentDone(course.cards().size()), iso(l.lastActivity()),
                stuckWhy(l)));
            Map<Integer, Integer> mine = cells.getOrDefault(l.personId(), Map.of());
            for (Card card : course.cards()) row.add(CardStatus.ofLevel(mine.getOrDefault(card.number(), 0)).key());
            csv.append(Csv.line(row));
          }
          return csv.toString();
        })
        .onSuccess(csv -> headers(ctx, cohort, "matrix").end(csv))
        .onFailure(ctx::fail);
  }

  private static String stuckWhy(LearnerRow l) {
    List<String> why = new ArrayList<>();
    if (!l.failingCards().isEmpty()) {
      why.add("failing on card " + String.join(" ", l.failingCards().stream().map(String::valueOf).toList()));
    }
    if (l.inactive()) why.add("inactive");
    return String.join("; ", why);
  }

  /** A row of the events export. */
  private record EventRow(OffsetDateTime at, UUID id, String csv) {}

  void events(RoutingContext ctx) {
    Cohort cohort = CohortAccess.cohort(ctx);
    HttpServerResponse response = headers(ctx, cohort, "events").setChunked(true);
    response.write(Csv.line(List.of("event_id", "recorded_at_utc", "username", "card", "kind", "failed", "detail")));
    nextPage(ctx, response, cohort, null, null);
  }

  private void nextPage(RoutingContext ctx, HttpServerResponse response, Cohort cohort, OffsetDateTime afterAt,
      UUID afterId) {
    var e = PROGRESS_EVENT;
    database.query(dsl -> dsl.select(e.ID, e.RECORDED_AT, APP_USER.USERNAME, e.CARD_NUMBER, e.KIND, e.FAILED, e.DETAIL)
            .from(e)
            .join(COHORT_MEMBER).on(COHORT_MEMBER.USER_ID.eq(e.USER_ID), COHORT_MEMBER.COHORT_ID.eq(cohort.id()),
                COHORT_MEMBER.ROLE.eq(Member.Role.LEARNER.dbValue()))
            .join(APP_USER).on(APP_USER.ID.eq(e.USER_ID))
            .where(e.COURSE_ID.eq(cohort.course()))
            .and(afterAt == null ? DSL.noCondition() : DSL.row(e.RECORDED_AT, e.ID).gt(afterAt, afterId))
            .orderBy(e.RECORDED_AT, e.ID)
            .limit(PAGE)
            .fetch(r -> new EventRow(r.value2(), r.value1(), Csv.line(List.of(r.value1(), iso(r.value2()), r.value3(),
                r.value4(), r.value5().toLowerCase(Locale.ROOT), r.value6(), r.value7().data())))))
        .onSuccess(rows -> {
          if (response.closed()) return;
          StringBuilder chunk = new StringBuilder(rows.size() * 120);
          rows.forEach(r -> chunk.append(r.csv()));
          if (!chunk.isEmpty()) response.write(chunk.toString());
          if (rows.size() < PAGE) {
            response.end();
            return;
          }
          EventRow last = rows.get(rows.size() - 1);
          if (response.writeQueueFull()) {
            response.drainHandler(v -> nextPage(ctx, response, cohort, last.at(), last.id()));
          } else {
            nextPage(ctx, response, cohort, last.at(), last.id());
          }
        })
        .onFailure(err -> {
          // The status line is sent: all we can do is cut the download short, so it does not look complete.
          org.slf4j.LoggerFactory.getLogger(CsvExports.class).error("events export of {} failed", cohort.id(), err);
          response.reset();
        });
  }

  private static HttpServerResponse headers(RoutingContext ctx, Cohort cohort, String what) {
    String name = cohort.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return ctx.response()
        .putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + (name.isEmpty() ? "cohort" : name) + "-" + what
            + ".csv\"")
        .putHeader("Cache-Control", "no-store");
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? "" : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
  }
}
