package org.pocketlab.cohort;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.pocketlab.Problem;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;

/**
 * Joining a cohort: {@code /join/{code}} (the link instructors share) shows the cohort and a Join button;
 * {@code /join} takes a typed code. Signing in comes first; joining is a POST, so a link alone never
 * enrols anyone.
 */
final class JoinPages {
  private final CourseCatalog catalog;
  private final Database database;
  private final PageRenderer pages;

  JoinPages(CourseCatalog catalog, Database database, PageRenderer pages) {
    this.catalog = catalog;
    this.database = database;
    this.pages = pages;
  }

  void mount(Router router, Access access) {
    router.get("/join").handler(access.signedIn()).handler(this::typed);
    router.get("/join/:code").handler(access.signedIn()).handler(ctx -> show(ctx, 200, null));
    router.post("/join/:code").handler(access.signedIn()).handler(this::join);
  }

  private void typed(RoutingContext ctx) {
    String typed = ctx.request().getParam("code");
    if (typed == null) {
      render(ctx, 200, null, false, null);
      return;
    }
    Optional<String> code = Cohorts.normaliseCode(typed);
    if (code.isEmpty()) {
      render(ctx, 400, null, false, "A code has 8 letters and digits, like K7QM3XPA.");
      return;
    }
    CohortPages.redirect(ctx, "/join/" + code.get());
  }

  private void show(RoutingContext ctx, int status, String error) {
    Person person = Authentication.person(ctx).orElseThrow();
    Optional<String> code = Cohorts.normaliseCode(ctx.pathParam("code"));
    if (code.isEmpty()) {
      ctx.fail(noSuchCode());
      return;
    }
    database.query(dsl -> Cohorts.byCode(dsl, code.get())
            .map(c -> Map.entry(c, Cohorts.roleOf(dsl, c.id(), person.id()).isPresent())))
        .onSuccess(found -> {
          if (found.isEmpty()) ctx.fail(noSuchCode());
          else render(ctx, status, found.get().getKey(), found.get().getValue(), error);
        })
        .onFailure(ctx::fail);
  }

  private void join(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    Optional<String> code = Cohorts.normaliseCode(ctx.pathParam("code"));
    if (code.isEmpty()) {
      ctx.fail(noSuchCode());
      return;
    }
    database.transaction(dsl -> {
          Cohort cohort = Cohorts.byCode(dsl, code.get()).orElseThrow(JoinPages::noSuchCode);
          if (cohort.ended(CohortPages.today()) && Cohorts.roleOf(dsl, cohort.id(), person.id()).isEmpty()) {
            throw new Problem(400, "This cohort has ended", "This cohort ended on " + cohort.endsOn()
                + "; ask your instructor for the code of a current one.");
          }
          Cohorts.join(dsl, cohort.id(), person.id());
          return cohort;
        })
        .onSuccess(cohort -> CohortPages.redirect(ctx, cohort.joinPath()))
        .onFailure(e -> {
          if (e instanceof Problem p && p.status() == 400) show(ctx, 400, p.getMessage());
          else ctx.fail(e);
        });
  }

  private void render(RoutingContext ctx, int status, Cohort cohort, boolean member, String error) {
    Map<String, Object> params = new HashMap<>();
    params.put("cohort", cohort);
    params.put("course", cohort == null ? null : catalog.course(cohort.course()).orElse(null));
    params.put("member", member);
    params.put("error", error);
    pages.render(ctx, status, "cohort_join.jte", cohort == null ? "Join a cohort" : "Join " + cohort.name(),
        null, params);
  }

  private static Problem noSuchCode() {
    return new Problem(404, "No such cohort", "No cohort has this code. Check it with your instructor.");
  }
}
