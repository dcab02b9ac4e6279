package org.pocketlab.cohort;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.pocketlab.Problem;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.course.Section;
import org.pocketlab.db.Database;
import org.pocketlab.progress.CardStatus;

/**
 * A cohort's dashboard (the matrix, completion, stuck flags, charts), its live stream (server-sent events
 * with fresh matrix rows), a learner's timeline, and the CSV exports. Every route sits behind
 * {@link CohortAccess}. The dashboard answers with a {@code Server-Timing} header (database and render
 * time together), which the benchmark reads.
 */
final class DashboardPages {
  private static final int TIMELINE_LIMIT = 500;
  private static final int ACTIVITY_DAYS = 30;
  private static final long HEARTBEAT_MS = 25_000;

  private final CourseCatalog catalog;
  private final Database database;
  private final PageRenderer pages;
  private final DashboardQueries queries;
  private final LiveDashboards live;
  private final CohortPages cohortPages;

  DashboardPages(CourseCatalog catalog, Database database, PageRenderer pages, DashboardQueries queries,
      LiveDashboards live, CohortPages cohortPages) {
    this.catalog = catalog;
    this.database = database;
    this.pages = pages;
    this.queries = queries;
    this.live = live;
    this.cohortPages = cohortPages;
  }

  void mount(Router router, Access access, CohortAccess cohortAccess) {
    router.get("/cohorts/:cohort").handler(access.signedIn()).handler(cohortAccess).handler(this::dashboard);
    router.get("/cohorts/:cohort/live").handler(access.signedIn()).handler(cohortAccess).handler(this::stream);
    router.get("/cohorts/:cohort/learners/:person").handler(access.signedIn()).handler(cohortAccess)
        .handler(this::timeline);
    CsvExports csv = new CsvExports(catalog, database, queries);
    router.get("/cohorts/:cohort/matrix.csv").handler(access.signedIn()).handler(cohortAccess).handler(csv::matrix);
    router.get("/cohorts/:cohort/events.csv").handler(access.signedIn()).handler(cohortAccess).handler(csv::events);
  }

  static Course course(CourseCatalog catalog, Cohort cohort) {
    return catalog.course(cohort.course()).orElseThrow(() -> new Problem(404, "Course not served",
        "This cohort's course (" + cohort.course() + ") is not served by this server any more."));
  }

  private void dashboard(RoutingContext ctx) {
    long began = System.nanoTime();
    Cohort cohort = CohortAccess.cohort(ctx);
    Course course = course(catalog, cohort);
    boolean stuckOnly = "stuck".equals(ctx.queryParams().get("show"));
    int page = pageNumber(ctx.queryParams().get("page"));
    database.query(dsl -> {
          List<LearnerRow> all = queries.learners(dsl, cohort.id(), course.id(), course.cards().size(), null);
          int stuck = (int) all.stream().filter(LearnerRow::stuck).count();
          List<LearnerRow> shown = stuckOnly ? all.stream().filter(LearnerRow::stuck).toList() : all;
          int pages = Math.max(1, (shown.size() + DashboardView.PAGE_SIZE - 1) / DashboardView.PAGE_SIZE);
          int p = Math.min(page, pages);
          List<LearnerRow> slice = shown.subList(Math.min(shown.size(), (p - 1) * DashboardView.PAGE_SIZE),
              Math.min(shown.size(), p * DashboardView.PAGE_SIZE));
          var cells = queries.cells(dsl, course.id(), slice.stream().map(LearnerRow::personId).toList());
          Map<Integer, int[]> cardCounts = queries.cardCounts(dsl, cohort.id(), course.id());
          String activity = SvgCharts.activity(queries.activity(dsl, cohort.id(), course.id(), ACTIVITY_DAYS));
          String sections = SvgCharts.sectionCompletion(sectionBars(course, cardCounts, all.size()));
          return new DashboardView(cohort, course, cohortPages.joinUrl(cohort), slice, cells, all.size(), stuck,
              stuckOnly, p, pages, cardCounts, sections, activity);
        })
        .onSuccess(view -> {
          ctx.addHeadersEndHandler(v -> ctx.response().putHeader("Server-Timing",
              "app;desc=\"queries and render\";dur=" + String.format(java.util.Locale.ROOT, "%.1f",
                  (System.nanoTime() - began) / 1e6)));
          pages.render(ctx, 200, "cohort_dashboard.jte", cohort.name(), null, Map.of("view", view));
        })
        .onFailure(ctx::fail);
  }

  static List<SvgCharts.SectionBar> sectionBars(Course course, Map<Integer, int[]> cardCounts, int learners) {
    List<SvgCharts.SectionBar> bars = new ArrayList<>();
    for (Section section : course.sections()) {
      int[] sum = new int[4];
      for (Card card : section.cards()) {
        int[] c = cardCounts.get(card.number());
        if (c != null) for (int i = 1; i < 4; i++) sum[i] += c[i];
      }
      bars.add(new SvgCharts.SectionBar(section.number(), section.title(), section.cards().size() * learners,
          sum[CardStatus.VIEWED.level()], sum[CardStatus.PRACTISED.level()], sum[CardStatus.DONE.level()]));
    }
    return bars;
  }

  private static int pageNumber(String text) {
    if (text == null || !text.matches("\\d{1,6}")) return 1;
    return Math.max(1, Integer.parseInt(text));
  }

  /**
   * Server-sent events: {@code event: row} with a matrix row's HTML whenever one of the cohort's learners
   * progresses (the page's script swaps it in by id), {@code event: stale} when updates may have been missed
   * (the script re-reads the page's dashboard), {@code event: signed-out} and the end of the stream once the
   * viewer's sign-in no longer holds (re-read every so often), and a comment every 25 s so proxies keep the
   * connection. A client that cannot keep up is disconnected rather than buffered without bound; its
   * EventSource reconnects.
   */
  private void stream(RoutingContext ctx) {
    Cohort cohort = CohortAccess.cohort(ctx);
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 3000\n: live updates of cohort " + cohort.id() + "\n\n");
    Vertx vertx = ctx.vertx();
    MessageConsumer<String> consumer = live.subscribe(cohort.id(), (name, html) -> {
      if (response.closed()) return;
      if (response.writeQueueFull()) {
        ctx.request().connection().close();
        return;
      }
      response.write(event(name, html));
    });
    long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> {
      if (!response.closed()) response.write(": ping\n\n");
    });
    Supplier<Future<Boolean>> signedIn = Authentication.signInCheck(ctx);
    long signInCheck = vertx.setPeriodic(Math.max(1, Authentication.recheckEvery(ctx).toMillis()),
        t -> signedIn.get().onSuccess(holds -> {
          if (holds || response.closed()) return;
          response.write(event("signed-out", "You were signed out. Sign in again to follow this cohort live."));
          response.end();
        }));
    response.closeHandler(v -> {
      vertx.cancelTimer(heartbeat);
      vertx.cancelTimer(signInCheck);
      live.unsubscribe(cohort.id(), consumer);
    });
  }

  static String event(String name, String data) {
    StringBuilder out = new StringBuilder(data.length() + 32).append("event: ").append(name).append('\n');
    for (String line : data.split("\r?\n", -1)) out.append("data: ").append(line).append('\n');
    return out.append('\n').toString();
  }

  private void timeline(RoutingContext ctx) {
    Cohort cohort = CohortAccess.cohort(ctx);
    Course course = course(catalog, cohort);
    Optional<UUID> person = CohortAccess.uuid(ctx.pathParam("person"));
    if (person.isEmpty()) {
      ctx.fail(404);
      return;
    }
    database.query(dsl -> {
          Optional<LearnerRow> learner = queries.learners(dsl, cohort.id(), course.id(), course.cards().size(),
              person.get()).stream().findFirst();
          if (learner.isEmpty()) return Optional.<Map<String, Object>>empty();
          Map<String, Object> params = new HashMap<>();
          params.put("cohort", cohort);
          params.put("course", course);
          params.put("learner", learner.get());
          params.put("cells", queries.cells(dsl, course.id(), List.of(person.get())).getOrDefault(person.get(), Map.of()));
          params.put("events", TimelineEntry.latest(dsl, person.get(), course.id(), TIMELINE_LIMIT));
          params.put("limit", TIMELINE_LIMIT);
          return Optional.of(params);
        })
        .onSuccess(params -> {
          // Only the cohort's learners: an instructor cannot read anyone's timeline through their cohort.
          if (params.isEmpty()) ctx.fail(new Problem(404, "Not in this cohort", "This person is not a learner of "
              + cohort.name() + "."));
          else pages.render(ctx, 200, "cohort_learner.jte",
              ((LearnerRow) params.get().get("learner")).displayName() + " · " + cohort.name(), null, params.get());
        })
        .onFailure(ctx::fail);
  }
}
