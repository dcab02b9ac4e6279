package org.pocketlab.sandbox.kubernetes;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.pocketlab.sandbox.SandboxId;

/**
 * What a starting sandbox is doing, for the learner waiting for it: published on the event bus at
 * {@link #ADDRESS} as {@code {"owner", "course", "stage", "message"}} each time the stage changes, so that a
 * page (the terminal panel, say) can show "Preparing your workspace…" instead of a blank wait. Stages:
 * {@code claimed} (a warm pod was taken: ready at once), {@code scheduling}, {@code pulling}, {@code preparing}
 * (the starter project is copied), {@code starting}, {@code ready}, {@code failed}.
 */
public record StartProgress(SandboxId sandbox, String stage, String message) {

  public static final String ADDRESS = "pocketlab.sandbox.start-progress";

  public JsonObject toJson() {
    return new JsonObject().put("owner", sandbox.owner()).put("course", sandbox.course()).put("stage", stage)
        .put("message", message);
  }

  void publish(Vertx vertx) {
    vertx.eventBus().publish(ADDRESS, toJson());
  }
}
