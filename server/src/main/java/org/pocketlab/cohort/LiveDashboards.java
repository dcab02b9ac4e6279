package org.pocketlab.cohort;

import static org.pocketlab.db.schema.Tables.COHORT;
import static org.pocketlab.db.schema.Tables.COHORT_MEMBER;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;
import org.pocketlab.progress.ProgressEvents;
import org.pocketlab.progress.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns progress changes (from {@link ProgressListener}, i.e. from any replica) into fresh matrix rows for
 * the dashboards open on this server: for each change it finds which of the open cohorts the learner is in,
 * renders their row once per cohort and publishes it on the event bus at {@code pocketlab.dashboard.<id>},
 * where each open dashboard's stream listens. Nothing is queried while no dashboard is open here. When the
 * listener had lost its connection (notifications in between are gone), every open dashboard is told it is
 * {@value #STALE} and reads itself afresh.
 */
public final class LiveDashboards {
  private static final Logger log = LoggerFactory.getLogger(LiveDashboards.class);
  private static final String PREFIX = "pocketlab.dashboard.";
  /** The stream event of a row; {@link #STALE}: updates may have been missed, re-read the page. */
  public static final String ROW = "row";
  public static final String STALE = "stale";

  private final Vertx vertx;
  private final Database database;
  private final CourseCatalog catalog;
  private final DashboardQueries queries;
  private final TemplateEngine templates =
      TemplateEngine.createPrecompiled(null, ContentType.Html, null, "org.pocketlab.web.templates");
  private final Map<UUID, AtomicInteger> open = new ConcurrentHashMap<>();

  public LiveDashboards(Vertx vertx, Database database, CourseCatalog catalog, DashboardQueries queries) {
    this.vertx = vertx;
    this.database = database;
    this.catalog = catalog;
    this.queries = queries;
    vertx.eventBus().<JsonObject>localConsumer(ProgressListener.ADDRESS,
        message -> changed(ProgressEvents.Change.fromJson(message.body())));
    vertx.eventBus().localConsumer(ProgressListener.RESYNC_ADDRESS, message -> {
      for (UUID cohort : open.keySet()) {
        vertx.eventBus().publish(PREFIX + cohort, "", new DeliveryOptions().addHeader("event", STALE));
      }
    });
  }

  /**
   * Calls {@code onEvent} with {@link #ROW} and the HTML of each changed row of the cohort's matrix, or with
   * {@link #STALE} and nothing, until unsubscribed.
   */
  public MessageConsumer<String> subscribe(UUID cohort, BiConsumer<String, String> onEvent) {
    open.computeIfAbsent(cohort, k -> new AtomicInteger()).incrementAndGet();
    return vertx.eventBus().<String>localConsumer(PREFIX + cohort, message -> onEvent.accept(
        java.util.Objects.requireNonNullElse(message.headers().get("event"), ROW), message.body()));
  }

  public void unsubscribe(UUID cohort, MessageConsumer<String> consumer) {
    consumer.unregister();
    open.computeIfPresent(cohort, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  private void changed(ProgressEvents.Change change) {
    if (open.isEmpty()) return;
    Course course = catalog.course(change.course()).orElse(null);
    if (course == null) return;
    Set<UUID> watched = Set.copyOf(open.keySet());
    database.query(dsl -> {
          List<Cohort> cohorts = dsl.select(COHORT.asterisk()).from(COHORT_MEMBER)
              .join(COHORT).on(COHORT.ID.eq(COHORT_MEMBER.COHORT_ID))
              .where(COHORT_MEMBER.USER_ID.eq(change.personId()),
                  COHORT_MEMBER.ROLE.eq(Member.Role.LEARNER.dbValue()),
                  COHORT.COURSE_ID.eq(course.id()),
                  COHORT.ID.in(watched))
              .fetch(Cohorts::cohort);
          Map<UUID, String> rows = new HashMap<>();
          if (cohorts.isEmpty()) return rows;
          Map<Integer, Integer> cells = queries.cells(dsl, course.id(), List.of(change.personId()))
              .getOrDefault(change.personId(), Map.of());
          for (Cohort cohort : cohorts) {
            queries.learners(dsl, cohort.id(), course.id(), course.cards().size(), change.personId()).stream()
                .findFirst()
                .ifPresent(learner -> rows.put(cohort.id(), render(cohort, course, learner, cells, change.cardNumber())));
          }
          return rows;
        })
        .onSuccess(rows -> rows.forEach((cohort, html) -> vertx.eventBus().publish(PREFIX + cohort, html)))
        .onFailure(e -> log.warn("live dashboard update for {} failed: {}", change, e.toString()));
  }

  private String render(Cohort cohort, Course course, LearnerRow learner, Map<Integer, Integer> cells, int card) {
    StringOutput out = new StringOutput();
    Map<String, Object> params = new HashMap<>();
    params.put("cohort", cohort);
    params.put("course", course);
    params.put("learner", learner);
    params.put("cells", cells);
    params.put("changedCard", card);
    templates.render("cohort_row.jte", params, out);
    return out.toString();
  }
}
