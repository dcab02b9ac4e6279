package org.pocketlab.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.pocketlab.auth.Authentication;
import org.pocketlab.db.Database;

/**
 * Liveness (the process answers) and readiness. Ready means the database answers; the identity provider
 * is reported too, but its absence only degrades the service (lessons still read, people already signed in
 * keep working), so it does not take the server out of a load balancer.
 */
final class Health {
  private final Database database;
  private final Authentication auth;

  Health(Database database, Authentication auth) {
    this.database = database;
    this.auth = auth;
  }

  void live(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "UP"));
  }

  void ready(RoutingContext ctx) {
    Future<Void> db = database.ping();
    Future<Void> signIn = auth.signInConfigured() ? auth.signInAvailable() : Future.succeededFuture();
    Future.join(db, signIn).onComplete(done -> {
      boolean databaseUp = db.succeeded();
      boolean signInUp = signIn.succeeded();
      JsonObject checks = new JsonObject()
          .put("database", check(databaseUp))
          .put("oidc", auth.signInConfigured() ? check(signInUp) : new JsonObject().put("status", "NOT_CONFIGURED"));
      String status = !databaseUp ? "DOWN" : signInUp ? "UP" : "DEGRADED";
      send(ctx, databaseUp ? 200 : 503, new JsonObject().put("status", status).put("checks", checks));
    });
  }

  private static JsonObject check(boolean up) {
    return new JsonObject().put("status", up ? "UP" : "DOWN");
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
