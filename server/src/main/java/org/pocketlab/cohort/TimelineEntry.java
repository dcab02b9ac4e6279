package org.pocketlab.cohort;

import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.pocketlab.progress.EventKind;

/** One event on a learner's timeline, with a short description of its detail. */
public record TimelineEntry(OffsetDateTime recordedAt, int card, EventKind kind, boolean failed, JsonObject detail) {

  /** The learner's latest events in the course, newest first (the learner-and-time index). */
  static List<TimelineEntry> latest(DSLContext dsl, UUID person, String course, int limit) {
    var e = PROGRESS_EVENT;
    return dsl.select(e.RECORDED_AT, e.CARD_NUMBER, e.KIND, e.FAILED, e.DETAIL).from(e)
        .where(e.USER_ID.eq(person), e.COURSE_ID.eq(course))
        .orderBy(e.RECORDED_AT.desc())
        .limit(limit)
        .fetch(r -> new TimelineEntry(r.value1(), r.value2(), EventKind.valueOf(r.value3()), r.value4(),
            new JsonObject(r.value5().data())));
  }

  public String describe() {
    return switch (kind) {
      case VIEWED -> "Viewed";
      case EXAMPLE_RUN -> "Ran example " + detail.getValue("example", "?");
      case CHECK_PASSED -> "Check passed";
      case CHECK_FAILED -> "Check failed";
      case FLASHCARD_ANSWERED -> "Answered a flashcard";
    };
  }

  /** For runs: how it ended, exit code and duration; for other kinds the detail as given. */
  public String extra() {
    if (kind == EventKind.EXAMPLE_RUN) {
      StringBuilder s = new StringBuilder();
      s.append(detail.getString("outcome", "?"));
      if (detail.getValue("exitCode") != null) s.append(", exit ").append(detail.getValue("exitCode"));
      if (detail.getValue("durationMs") != null) s.append(", ").append(detail.getValue("durationMs")).append(" ms");
      return s.toString();
    }
    return detail.isEmpty() ? "" : detail.encode();
  }
}
