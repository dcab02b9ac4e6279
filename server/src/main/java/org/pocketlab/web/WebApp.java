package org.pocketlab.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.pocketlab.config.Settings;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;

/** The application's routes: one place that shows every URL the server answers. */
public final class WebApp {
  private final Settings settings;
  private final CourseCatalog catalog;
  private final Database database;
  private final PrometheusMeterRegistry metrics;
  private final Views views = new Views();

  public WebApp(Settings settings, CourseCatalog catalog, Database database, PrometheusMeterRegistry metrics) {
    this.settings = settings;
    this.catalog = catalog;
    this.database = database;
    this.metrics = metrics;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    ErrorPages errors = new ErrorPages(views);
    CoursePages courses = new CoursePages(catalog, views);
    Health health = new Health(database);

    router.route().handler(new RequestLog(settings.accessLog()));
    router.route().handler(new SecurityHeaders(settings.publicUrlIsHttps()));

    router.get("/assets/*").handler(StaticHandler.create("webroot/assets")
        .setMaxAgeSeconds(3600)
        .setDirectoryListing(false)
        .setIncludeHidden(false));
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));

    router.get("/").handler(courses::catalog);
    router.get("/courses/:course").handler(courses::home);
    router.get("/courses/:course/search").handler(courses::search);
    router.get("/courses/:course/cards/:card").handler(courses::lesson);

    for (int status : new int[] {400, 403, 404, 405, 413, 500, 503}) {
      router.errorHandler(status, errors::render);
    }
    return router;
  }
}
