package org.pocketlab.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.pocketlab.auth.People;
import org.pocketlab.db.Database;

/** Instructors' list of everyone who has signed in, most recent first. */
final class PeoplePage {
  private static final int LIMIT = 500;

  private final Database database;
  private final Views views;

  PeoplePage(Database database, Views views) {
    this.database = database;
    this.views = views;
  }

  void list(RoutingContext ctx) {
    database.query(dsl -> People.all(dsl, LIMIT))
        .onSuccess(people -> views.render(ctx, 200, "people.jte", views.page(ctx, "People", null, null, null),
            Map.of("people", people, "limit", LIMIT)))
        .onFailure(ctx::fail);
  }
}
