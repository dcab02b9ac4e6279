package org.pocketlab.progress;

import static org.pocketlab.db.schema.Tables.CARD_PROGRESS;
import static org.pocketlab.db.schema.Tables.DAILY_ACTIVITY;
import static org.pocketlab.db.schema.Tables.PROGRESS_EVENT;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.pocketlab.Problem;
import org.pocketlab.db.Database;
import org.pocketlab.runs.ExampleRuns;

/**
 * Records learners' progress events: idempotently (the event id is the primary key), together with the
 * per-card aggregate and the daily activity count, and with a PostgreSQL NOTIFY in the same transaction.
 * PostgreSQL delivers the notification only when the transaction commits, to every server replica's
 * {@link ProgressListener}, which republishes it on the local Vert.x event bus for open dashboards.
 */
public final class ProgressEvents {
  /** The PostgreSQL NOTIFY channel; the payload is {@link Change#toJson()}. */
  public static final String CHANNEL = "pocketlab_progress";

  private final Database database;

  public ProgressEvents(Database database) {
    this.database = database;
  }

  /**
   * Records the event in one transaction; true if new, false if that eventId was already recorded.
   * Publishes a live update for the dashboards of the person's cohorts after commit. Fails with a
   * {@link Problem} (404) when the person, course or card does not exist.
   */
  public Future<Boolean> record(ProgressEvent event) {
    return database.transaction(dsl -> recordIn(dsl, event));
  }

  /** As {@link #record}, inside a transaction the caller runs (so that its own rows and the event commit together). */
  public boolean recordIn(DSLContext tx, ProgressEvent event) {
    boolean failed = event.kind().failed(event.detail());
    short level = (short) event.kind().reaches().level();
    OffsetDateTime at;
    try {
      at = tx.insertInto(PROGRESS_EVENT)
          .set(PROGRESS_EVENT.ID, event.eventId())
          .set(PROGRESS_EVENT.USER_ID, event.personId())
          .set(PROGRESS_EVENT.COURSE_ID, event.course())
          .set(PROGRESS_EVENT.CARD_NUMBER, event.cardNumber())
          .set(PROGRESS_EVENT.KIND, event.kind().name())
          .set(PROGRESS_EVENT.STATUS_LEVEL, level)
          .set(PROGRESS_EVENT.FAILED, failed)
          .set(PROGRESS_EVENT.DETAIL, JSON.valueOf(event.detail().encode()))
          .set(PROGRESS_EVENT.RECORDED_AT, OffsetDateTime.now(ZoneOffset.UTC))
          .onConflict(PROGRESS_EVENT.ID).doNothing()
          .returningResult(PROGRESS_EVENT.RECORDED_AT)
          .fetchOptional(r -> r.value1())
          .orElse(null);
    } catch (DataAccessException e) {
      if ("23503".equals(e.sqlState())) {
        throw new Problem(404, "No such card", "There is no card " + event.cardNumber() + " in course "
            + event.course() + " (or no such person) to record progress on.");
      }
      throw e;
    }
    if (at == null) return false; // a retry of an event we already have
    tx.insertInto(CARD_PROGRESS)
        .set(CARD_PROGRESS.COURSE_ID, event.course())
        .set(CARD_PROGRESS.USER_ID, event.personId())
        .set(CARD_PROGRESS.CARD_NUMBER, event.cardNumber())
        .set(CARD_PROGRESS.STATUS_LEVEL, level)
        .set(CARD_PROGRESS.EVENTS, 1)
        .set(CARD_PROGRESS.FAILURES, failed ? 1 : 0)
        .set(CARD_PROGRESS.FIRST_AT, at)
        .set(CARD_PROGRESS.LAST_AT, at)
        .onConflict(CARD_PROGRESS.COURSE_ID, CARD_PROGRESS.USER_ID, CARD_PROGRESS.CARD_NUMBER).doUpdate()
        .set(CARD_PROGRESS.STATUS_LEVEL, DSL.greatest(CARD_PROGRESS.STATUS_LEVEL, DSL.excluded(CARD_PROGRESS.STATUS_LEVEL)))
        .set(CARD_PROGRESS.EVENTS, CARD_PROGRESS.EVENTS.plus(1))
        .set(CARD_PROGRESS.FAILURES, CARD_PROGRESS.FAILURES.plus(DSL.excluded(CARD_PROGRESS.FAILURES)))
        .set(CARD_PROGRESS.FIRST_AT, DSL.least(CARD_PROGRESS.FIRST_AT, DSL.excluded(CARD_PROGRESS.FIRST_AT)))
        .set(CARD_PROGRESS.LAST_AT, DSL.greatest(CARD_PROGRESS.LAST_AT, DSL.excluded(CARD_PROGRESS.LAST_AT)))
        .execute();
    tx.insertInto(DAILY_ACTIVITY)
        .set(DAILY_ACTIVITY.COURSE_ID, event.course())
        .set(DAILY_ACTIVITY.USER_ID, event.personId())
        .set(DAILY_ACTIVITY.DAY, at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate())
        .set(DAILY_ACTIVITY.EVENTS, 1)
        .onConflict(DAILY_ACTIVITY.COURSE_ID, DAILY_ACTIVITY.USER_ID, DAILY_ACTIVITY.DAY).doUpdate()
        .set(DAILY_ACTIVITY.EVENTS, DAILY_ACTIVITY.EVENTS.plus(1))
        .execute();
    Change change = new Change(event.personId(), event.course(), event.cardNumber());
    tx.select(DSL.field("pg_notify({0}, {1})", String.class, DSL.val(CHANNEL), DSL.val(change.toJson().encode())))
        .fetch();
    return true;
  }

  /**
   * Counts a finished run as an {@link EventKind#EXAMPLE_RUN} event, in the transaction that records the run;
   * the event id is the run's id. Run output is not stored, so the event keeps how it ended.
   */
  public void recordRun(DSLContext tx, ExampleRuns.Recorded run) {
    JsonObject detail = new JsonObject()
        .put("example", run.example())
        .put("exitCode", run.exitCode())
        .put("outcome", run.outcome())
        .put("durationMs", run.took().toMillis());
    recordIn(tx, new ProgressEvent(run.id(), run.person().id(), run.course(), run.card(), EventKind.EXAMPLE_RUN,
        detail));
  }

  /** What a notification says: this person's progress on this card changed. */
  public record Change(java.util.UUID personId, String course, int cardNumber) {
    public JsonObject toJson() {
      return new JsonObject().put("person", personId.toString()).put("course", course).put("card", cardNumber);
    }

    public static Change fromJson(JsonObject json) {
      return new Change(java.util.UUID.fromString(json.getString("person")), json.getString("course"),
          json.getInteger("card"));
    }
  }
}
