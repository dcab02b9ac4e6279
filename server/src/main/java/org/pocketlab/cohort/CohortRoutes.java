package org.pocketlab.cohort;

import io.vertx.ext.web.Router;
import org.pocketlab.auth.Access;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;

/**
 * Every cohort URL: {@code /cohorts} (list, create), {@code /cohorts/{id}} (dashboard), {@code …/live}
 * (server-sent events), {@code …/people}, {@code …/learners/{person}} (timeline), {@code …/matrix.csv},
 * {@code …/events.csv}, and {@code /join}, {@code /join/{code}} for learners.
 */
public final class CohortRoutes {
  private final CourseCatalog catalog;
  private final Database database;
  private final PageRenderer pages;
  private final LiveDashboards live;
  private final DashboardQueries queries;
  private final String publicUrl;

  public CohortRoutes(CourseCatalog catalog, Database database, PageRenderer pages, LiveDashboards live,
      DashboardQueries queries, String publicUrl) {
    this.catalog = catalog;
    this.database = database;
    this.pages = pages;
    this.live = live;
    this.queries = queries;
    this.publicUrl = publicUrl;
  }

  public void mount(Router router, Access access) {
    CohortAccess cohortAccess = new CohortAccess(database);
    CohortPages cohortPages = new CohortPages(catalog, database, pages, publicUrl);
    cohortPages.mount(router, access, cohortAccess);
    new DashboardPages(catalog, database, pages, queries, live, cohortPages).mount(router, access, cohortAccess);
    new JoinPages(catalog, database, pages).mount(router, access);
  }
}
