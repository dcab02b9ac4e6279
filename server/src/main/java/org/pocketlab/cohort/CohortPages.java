package org.pocketlab.cohort;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pocketlab.Problem;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;

/**
 * Instructors' cohort pages: the list with the form to create one, and the people of a cohort (add or
 * remove learners and co-instructors). Forms post without HTMX so that a refused form comes back as a page
 * with its message and a 400.
 */
final class CohortPages {
  private final CourseCatalog catalog;
  private final Database database;
  private final PageRenderer pages;
  private final String publicUrl;

  CohortPages(CourseCatalog catalog, Database database, PageRenderer pages, String publicUrl) {
    this.catalog = catalog;
    this.database = database;
    this.pages = pages;
    this.publicUrl = publicUrl;
  }

  void mount(Router router, Access access, CohortAccess cohortAccess) {
    // Instructors manage their cohorts here; anyone else sees the cohorts they learn in.
    router.get("/cohorts").handler(access.signedIn()).handler(ctx -> {
      if (Authentication.person(ctx).orElseThrow().has(Person.INSTRUCTOR)) list(ctx, 200, null, Map.of());
      else joined(ctx);
    });
    router.post("/cohorts").handler(access.role(Person.INSTRUCTOR)).handler(this::create);
    router.get("/cohorts/:cohort/people").handler(access.signedIn()).handler(cohortAccess)
        .handler(ctx -> people(ctx, 200, null, ctx.queryParams().get("notice")));
    router.post("/cohorts/:cohort/people").handler(access.signedIn()).handler(cohortAccess).handler(this::add);
    router.post("/cohorts/:cohort/people/:person/remove").handler(access.signedIn()).handler(cohortAccess)
        .handler(this::remove);
  }

  private void list(RoutingContext ctx, int status, String error, Map<String, String> form) {
    Person person = Authentication.person(ctx).orElseThrow();
    database.query(dsl -> Cohorts.visibleTo(dsl, person))
        .onSuccess(cohorts -> {
          Map<String, Object> params = new HashMap<>();
          params.put("cohorts", cohorts);
          params.put("courses", catalog.courses());
          params.put("error", error);
          params.put("form", form);
          pages.render(ctx, status, "cohorts.jte", "Cohorts", null, params);
        })
        .onFailure(ctx::fail);
  }

  private void joined(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    database.query(dsl -> Cohorts.joinedBy(dsl, person.id()))
        .onSuccess(joined -> {
          Map<String, Object> params = new HashMap<>();
          params.put("joined", joined);
          params.put("catalog", catalog);
          pages.render(ctx, 200, "my_cohorts.jte", "Your cohorts", null, params);
        })
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    Map<String, String> form = new HashMap<>();
    for (String field : new String[] {"name", "course", "starts", "ends"}) {
      form.put(field, Optional.ofNullable(ctx.request().getFormAttribute(field)).orElse("").strip());
    }
    String name = form.get("name");
    Optional<Course> course = catalog.course(form.get("course"));
    LocalDate starts;
    LocalDate ends;
    try {
      starts = date(form.get("starts"));
      ends = date(form.get("ends"));
    } catch (DateTimeParseException e) {
      list(ctx, 400, "Dates are written as YYYY-MM-DD.", form);
      return;
    }
    String error = name.isEmpty() ? "Give the cohort a name."
        : name.length() > 200 ? "The name can have at most 200 characters."
        : course.isEmpty() ? "Choose one of the courses."
        : starts != null && ends != null && ends.isBefore(starts) ? "The end date is before the start date."
        : null;
    if (error != null) {
      list(ctx, 400, error, form);
      return;
    }
    database.transaction(dsl -> Cohorts.create(dsl, person, course.get().id(), name, starts, ends))
        .onSuccess(cohort -> redirect(ctx, cohort.path()))
        .onFailure(ctx::fail);
  }

  private static LocalDate date(String text) {
    return text.isEmpty() ? null : LocalDate.parse(text);
  }

  private void people(RoutingContext ctx, int status, String error, String notice) {
    Cohort cohort = CohortAccess.cohort(ctx);
    database.query(dsl -> Cohorts.members(dsl, cohort.id()))
        .onSuccess(members -> {
          Map<String, Object> params = new HashMap<>();
          params.put("cohort", cohort);
          params.put("members", members);
          params.put("joinUrl", joinUrl(cohort));
          params.put("error", error);
          params.put("notice", notice == null || notice.length() > 200 ? null : notice);
          pages.render(ctx, status, "cohort_people.jte", "People · " + cohort.name(), null, params);
        })
        .onFailure(ctx::fail);
  }

  private void add(RoutingContext ctx) {
    Cohort cohort = CohortAccess.cohort(ctx);
    String who = Optional.ofNullable(ctx.request().getFormAttribute("who")).orElse("");
    Member.Role role = "instructor".equals(ctx.request().getFormAttribute("role"))
        ? Member.Role.INSTRUCTOR : Member.Role.LEARNER;
    database.transaction(dsl -> Cohorts.add(dsl, cohort.id(), who, role))
        .onSuccess(member -> redirect(ctx, cohort.path() + "/people?notice=" + java.net.URLEncoder.encode(
            member.displayName() + " is in the cohort as " + member.role().dbValue() + ".",
            java.nio.charset.StandardCharsets.UTF_8)))
        .onFailure(e -> formError(ctx, e));
  }

  private void remove(RoutingContext ctx) {
    Cohort cohort = CohortAccess.cohort(ctx);
    Optional<UUID> person = CohortAccess.uuid(ctx.pathParam("person"));
    if (person.isEmpty()) {
      ctx.fail(404);
      return;
    }
    database.transaction(dsl -> Cohorts.remove(dsl, cohort.id(), person.get()))
        .onSuccess(removed -> redirect(ctx, cohort.path() + "/people"))
        .onFailure(e -> formError(ctx, e));
  }

  private void formError(RoutingContext ctx, Throwable e) {
    if (e instanceof Problem p && p.status() == 400) people(ctx, 400, p.getMessage(), null);
    else ctx.fail(e);
  }

  String joinUrl(Cohort cohort) {
    return publicUrl + cohort.joinPath();
  }

  static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }
}
