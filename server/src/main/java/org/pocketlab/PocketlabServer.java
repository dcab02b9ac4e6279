package org.pocketlab;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pocketlab.course.RecipeLoader;
import org.pocketlab.runs.Sandboxes;
import java.util.concurrent.TimeUnit;
import org.pocketlab.auth.Authentication;
import org.pocketlab.config.Settings;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.course.CourseFormatException;
import org.pocketlab.course.CourseLoader;
import org.pocketlab.db.CourseRegistry;
import org.pocketlab.db.Database;
import org.pocketlab.db.DbSettings;
import org.pocketlab.db.LocalPostgres;
import org.pocketlab.cohort.DashboardQueries;
import org.pocketlab.cohort.LiveDashboards;
import org.pocketlab.progress.EventKind;
import org.pocketlab.progress.ProgressEvent;
import org.pocketlab.progress.ProgressEvents;
import org.pocketlab.runs.CheckResult;
import org.pocketlab.runs.ExerciseChecks;
import org.pocketlab.progress.ProgressListener;
import org.pocketlab.web.WebApp;
import org.pocketlab.web.WebVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running platform: courses, database (a local PostgreSQL when none is configured), Vert.x with
 * metrics, and the HTTP verticles. Boot work here is blocking on purpose: it runs on the main thread
 * before any event loop serves a request.
 */
public final class PocketlabServer {
  private static final Logger log = LoggerFactory.getLogger(PocketlabServer.class);

  private final Vertx vertx;
  private final WebApp webApp;
  private final Authentication auth;
  private final Optional<Sandboxes> sandboxes;
  private final Database database;
  private final ProgressEvents progress;
  private final ProgressListener progressListener;
  private final LocalPostgres localPostgres;
  private final int port;
  private volatile boolean stopped;

  private PocketlabServer(
      Vertx vertx, WebApp webApp, Authentication auth, Optional<Sandboxes> sandboxes, Database database,
      ProgressEvents progress, ProgressListener progressListener, LocalPostgres localPostgres, int port) {
    this.vertx = vertx;
    this.webApp = webApp;
    this.auth = auth;
    this.sandboxes = sandboxes;
    this.database = database;
    this.progress = progress;
    this.progressListener = progressListener;
    this.localPostgres = localPostgres;
    this.port = port;
  }

  public static PocketlabServer start(Settings settings) {
    long began = System.nanoTime();
    List<Course> courses = loadCourses(settings);
    CourseCatalog catalog = new CourseCatalog(courses, loadRecipes(settings, courses));
    LocalPostgres localPostgres = settings.dbUrl().isEmpty() ? startLocalPostgres(settings) : null;
    DbSettings db = localPostgres == null
        ? new DbSettings(settings.dbUrl().get(), settings.dbUser(), settings.dbPassword(), settings.dbPoolSize())
        : new DbSettings(localPostgres.jdbcUrl(), localPostgres.user(), localPostgres.password(), settings.dbPoolSize());

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindJvmMetrics(metrics);
    Vertx vertx = Vertx.builder()
        // epoll on Linux (NIO elsewhere): sockets and sandbox terminals then share one poll per event loop.
        .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory(metrics))
        .build();
    Database database = null;
    ProgressListener progressListener = null;
    try {
      database = Database.open(vertx, db);
      for (Course course : catalog.courses()) {
        CourseRegistry.sync(database.dsl(), course, CourseRegistry.contentHash(course));
      }
      int port = settings.httpPort() == 0 ? freePort() : settings.httpPort();
      Authentication auth = new Authentication(vertx, settings, database);
      auth.startHousekeeping(vertx);
      Optional<Sandboxes> sandboxes = Sandboxes.start(vertx, settings, database);
      ProgressEvents progress = new ProgressEvents(database);
      sandboxes.ifPresent(s -> s.runs().onRecorded(progress::recordRun));
      sandboxes.ifPresent(s -> s.checks().onChecked(check -> progress.record(checkEvent(check))));
      progressListener = ProgressListener.start(vertx, db);
      LiveDashboards live = new LiveDashboards(vertx, database, catalog, new DashboardQueries(settings.stuck()));
      WebApp app = new WebApp(settings, catalog, database, metrics, auth, sandboxes, progress, live);
      int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
      vertx.deployVerticle(() -> new WebVerticle(app, settings.httpHost(), port),
              new DeploymentOptions().setInstances(instances))
          .await(30, TimeUnit.SECONDS);
      log.info("pocketlab serving {} course(s) on {} (port {}, {} event loops on {}) after {} ms",
          catalog.courses().size(), settings.publicUrl(), port, instances,
          vertx.isNativeTransportEnabled() ? "epoll" : "NIO",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
      return new PocketlabServer(vertx, app, auth, sandboxes, database, progress, progressListener, localPostgres,
          port);
    } catch (Exception e) {
      if (progressListener != null) progressListener.close();
      if (database != null) database.close();
      vertx.close();
      if (localPostgres != null) localPostgres.close();
      throw e instanceof BootException b ? b : new BootException(rootMessage(e), e);
    }
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The routes as deployed; tests mount extra routes on a copy of them. */
  public WebApp webApp() {
    return webApp;
  }

  /** Stops serving, then the database pool, then the local PostgreSQL if we started one. */
  public synchronized void stop() {
    if (stopped) return;
    stopped = true;
    log.info("pocketlab stopping");
    auth.stop(vertx);
    progressListener.close(); // before Vert.x: it publishes on the event bus
    sandboxes.ifPresent(s -> {
      try {
        s.stop().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("sandboxes did not stop cleanly: {}", e.toString());
      }
    });
    try {
      vertx.close().await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    database.close();
    if (localPostgres != null) localPostgres.close();
    log.info("pocketlab stopped");
  }

  /** The courses to serve (bundled, or POCKETLAB_COURSES_DIR); also used by the seed command. */
  public static List<Course> loadCourses(Settings settings) {
    try {
      return settings.coursesDir().isPresent()
          ? CourseLoader.loadAll(settings.coursesDir().get())
          : CourseLoader.loadBundled();
    } catch (CourseFormatException e) {
      throw new BootException("course content is invalid: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BootException("course content cannot be read: " + e.getMessage(), e);
    }
  }

  /** Run recipes: bundled, or from a {@code labs} directory beside POCKETLAB_COURSES_DIR. */
  private static Map<String, RecipeLoader.Recipes> loadRecipes(Settings settings, List<Course> courses) {
    try {
      if (settings.coursesDir().isEmpty()) return RecipeLoader.loadBundled(courses);
      java.nio.file.Path labs = settings.coursesDir().get().resolveSibling("labs");
      return java.nio.file.Files.isDirectory(labs) ? RecipeLoader.loadAll(labs, courses) : Map.of();
    } catch (CourseFormatException e) {
      throw new BootException("run recipes are invalid: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BootException("run recipes cannot be read: " + e.getMessage(), e);
    }
  }

  /** A learner's exercise check as a progress event (its id is the check's, so a retry counts once). */
  private static ProgressEvent checkEvent(ExerciseChecks.Checked check) {
    CheckResult result = check.result();
    return new ProgressEvent(check.id(), check.person().id(), check.course(), check.card(),
        result.passed() ? EventKind.CHECK_PASSED : EventKind.CHECK_FAILED,
        new JsonObject().put("reason", result.reason()).put("exitCode", result.exit().code())
            .put("durationMs", result.took().toMillis()));
  }

  /** Where progress events are recorded (runs, checks, flashcards, page views). */
  public ProgressEvents progress() {
    return progress;
  }

  /** The running sandboxes, if this server has them (tests reach the manager through this). */
  public Optional<Sandboxes> sandboxes() {
    return sandboxes;
  }

  /** The embedded PostgreSQL under the data dir; also used by the seed command. */
  public static LocalPostgres startLocalPostgres(Settings settings) {
    try {
      return LocalPostgres.start(settings.dataDir().resolve("postgres"));
    } catch (Exception e) {
      throw new BootException("local PostgreSQL did not start: " + rootMessage(e), e);
    }
  }

  private static void bindJvmMetrics(PrometheusMeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  private static int freePort() throws IOException {
    // Every HTTP verticle must listen on the same port, so a random one is chosen once, here.
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }
}
