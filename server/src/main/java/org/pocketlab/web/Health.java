package org.pocketlab.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.pocketlab.db.Database;

/** Liveness (the process answers) and readiness (it can do its work: the database answers). */
final class Health {
  private final Database database;

  Health(Database database) {
    this.database = database;
  }

  void live(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "UP"));
  }

  void ready(RoutingContext ctx) {
    database.ping().onComplete(result -> {
      boolean up = result.succeeded();
      JsonObject database = new JsonObject().put("status", up ? "UP" : "DOWN");
      if (!up) database.put("error", "database unreachable");
      send(ctx, up ? 200 : 503,
          new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", new JsonObject().put("database", database)));
    });
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
