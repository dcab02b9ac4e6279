package org.pocketlab.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Optional;
import java.util.Set;
import org.pocketlab.runs.CheckRoutes;
import org.pocketlab.runs.RunRoutes;
import org.pocketlab.runs.Sandboxes;
import org.pocketlab.terminal.TerminalSocket;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Csrf;
import org.pocketlab.auth.Person;
import org.pocketlab.auth.SignInRoutes;
import org.pocketlab.config.Settings;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;
import org.pocketlab.flashcards.AnswersAsProgress;
import org.pocketlab.flashcards.FlashcardRoutes;
import org.pocketlab.flashcards.Flashcards;
import org.pocketlab.cohort.CohortRoutes;
import org.pocketlab.cohort.DashboardQueries;
import org.pocketlab.cohort.LiveDashboards;
import org.pocketlab.cohort.PageRenderer;
import org.pocketlab.progress.ProgressEvents;
import org.pocketlab.progress.ProgressOnPages;

/** The application's routes: one place that shows every URL the server answers. */
public final class WebApp {
  private final Settings settings;
  private final CourseCatalog catalog;
  private final Database database;
  private final PrometheusMeterRegistry metrics;
  private final Authentication auth;
  private final Optional<Sandboxes> sandboxes;
  private final ProgressEvents progress;
  private final LiveDashboards live;
  private final Views views;
  private final Flashcards flashcards;

  public WebApp(Settings settings, CourseCatalog catalog, Database database, PrometheusMeterRegistry metrics,
      Authentication auth, Optional<Sandboxes> sandboxes, ProgressEvents progress, LiveDashboards live) {
    this.settings = settings;
    this.catalog = catalog;
    this.database = database;
    this.metrics = metrics;
    this.auth = auth;
    this.sandboxes = sandboxes;
    this.progress = progress;
    this.live = live;
    this.views = new Views(auth.signInConfigured(), sandboxes.isPresent(), catalog);
    this.flashcards =
        new Flashcards(database, catalog, java.time.Clock.systemUTC(), new AnswersAsProgress(progress));
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    ErrorPages errors = new ErrorPages(views);
    CoursePages courses = new CoursePages(catalog, views);
    PeoplePage people = new PeoplePage(database, views);
    Health health = new Health(database, auth);
    Access access = new Access(auth);
    ProgressOnPages progressOnPages = new ProgressOnPages(catalog, database, progress);

    router.route().handler(new RequestLog(settings.accessLog()));
    router.route().handler(new SecurityHeaders(settings.publicUrlIsHttps(), settings.oidc().issuerOrigin()));

    router.get("/assets/*").handler(StaticHandler.create("webroot/assets")
        .setMaxAgeSeconds(3600)
        .setDirectoryListing(false)
        .setIncludeHidden(false));
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));

    // Everything below knows who is asking; assets, probes and metrics above do not need to.
    router.route().handler(formBodies());
    router.route().handler(auth.loader());
    router.route().handler(new Csrf(settings.publicOrigin()));
    new SignInRoutes(auth).mount(router);

    Handler<RoutingContext> reader = settings.sessions().publicLessons() ? RoutingContext::next : access.signedIn();
    router.get("/").handler(reader).handler(courses::catalog);
    router.get("/courses/:course").handler(reader).handler(progressOnPages.courseHome()).handler(courses::home);
    router.get("/courses/:course/search").handler(reader).handler(courses::search);
    router.get("/courses/:course/cards/:card").handler(reader).handler(progressOnPages.lesson())
        .handler(courses::lesson);
    router.get("/people").handler(access.role(Person.INSTRUCTOR)).handler(people::list);
    new FlashcardRoutes(flashcards, access, (ctx, status, template, title, course, params) ->
        views.render(ctx, status, template, views.page(ctx, title, course, null, null), params)).mount(router);

    sandboxes.ifPresentOrElse(s -> {
      router.get("/courses/:course/terminal")
          .handler(new TerminalSocket(s.terminals(), catalog, settings.publicOrigin())::handle);
      new RunRoutes(catalog, s.runs(), access).mount(router);
      new CheckRoutes(catalog, s.checks(), access, views::fragment).mount(router);
    }, () -> router.route("/courses/:course/terminal").handler(ctx -> ctx.fail(unavailable())));

    PageRenderer pages = (ctx, status, template, title, course, params) ->
        views.render(ctx, status, template, views.page(ctx, title, course, null, null), params);
    new CohortRoutes(catalog, database, pages, live, new DashboardQueries(settings.stuck()),
        settings.publicUrl().toString()).mount(router, access);

    for (int status : new int[] {400, 403, 404, 405, 413, 500, 503}) {
      router.errorHandler(status, errors::render);
    }
    return router;
  }

  private static org.pocketlab.Problem unavailable() {
    return new org.pocketlab.Problem(503, "Sandboxes are unavailable",
        "This server cannot start sandboxes right now; lessons can still be read.");
  }

  /** Parses form bodies of state-changing requests only (a path-less POST route would turn 404s into 405s). */
  private static Handler<RoutingContext> formBodies() {
    BodyHandler body = BodyHandler.create().setBodyLimit(64 * 1024).setHandleFileUploads(false);
    Set<HttpMethod> unsafe = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    return ctx -> {
      if (unsafe.contains(ctx.request().method())) body.handle(ctx);
      else ctx.next();
    };
  }
}
