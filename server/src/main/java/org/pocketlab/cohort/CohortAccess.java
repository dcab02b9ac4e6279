package org.pocketlab.cohort;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;
import org.pocketlab.Problem;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.db.Database;

/**
 * The guard of every {@code /cohorts/{id}/…} page: instructors of that cohort and admins pass (the cohort is
 * then in the request for the handlers); everyone else gets 403, whether or not the id exists, so that
 * guessing ids tells nothing. Runs after the signed-in guard.
 */
final class CohortAccess implements Handler<RoutingContext> {
  private static final String COHORT = "pocketlab.cohort";

  private final Database database;

  CohortAccess(Database database) {
    this.database = database;
  }

  static Cohort cohort(RoutingContext ctx) {
    return ctx.get(COHORT);
  }

  static Optional<UUID> uuid(String text) {
    if (text == null || !text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      return Optional.empty();
    }
    return Optional.of(UUID.fromString(text));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    Optional<UUID> id = uuid(ctx.pathParam("cohort"));
    if (id.isEmpty()) {
      if (person.has(Person.ADMIN)) ctx.fail(404);
      else ctx.fail(notYours());
      return;
    }
    database.query(dsl -> Cohorts.find(dsl, id.get())
            .filter(c -> person.has(Person.ADMIN) || Cohorts.teaches(dsl, c.id(), person.id())))
        .onSuccess(cohort -> {
          if (cohort.isPresent()) {
            ctx.put(COHORT, cohort.get());
            ctx.next();
          } else if (person.has(Person.ADMIN)) {
            ctx.fail(404);
          } else {
            ctx.fail(notYours());
          }
        })
        .onFailure(ctx::fail);
  }

  private static Problem notYours() {
    return new Problem(403, "Not your cohort", "You can open only the cohorts you teach.");
  }
}
