package org.pocketlab.sandbox;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What a starting sandbox is doing, for the learner waiting for it: published on the event bus, at
 * {@link #ADDRESS} for any observer and at {@link #address} for that sandbox alone, as
 * {@code {"owner", "course", "stage", "message"}} each time the stage changes, so that the terminal panel can
 * show "Preparing your workspace…" instead of a blank wait. Stages in a cluster: {@code claimed} (a warm pod was
 * taken: ready at once), {@code scheduling}, {@code pulling}, {@code preparing} (the starter project is copied),
 * {@code starting}, {@code ready}, {@code failed}; locally {@code preparing} (a new workspace) and {@code ready}.
 */
public record StartProgress(SandboxId sandbox, String stage, String message) {

  public static final String ADDRESS = "pocketlab.sandbox.start-progress";

  /** The address of one sandbox's progress: a learner's terminal listens to its own, not to everyone's. */
  public static String address(SandboxId sandbox) {
    return ADDRESS + "." + sandbox.course() + "." + sandbox.owner();
  }

  /** Whether the stage means "still on the way" (not ready, not given up). */
  public static boolean isUnderway(String stage) {
    return !"ready".equals(stage) && !"claimed".equals(stage) && !"failed".equals(stage);
  }

  public JsonObject toJson() {
    return new JsonObject().put("owner", sandbox.owner()).put("course", sandbox.course()).put("stage", stage)
        .put("message", message);
  }

  public void publish(Vertx vertx) {
    JsonObject json = toJson();
    vertx.eventBus().publish(ADDRESS, json);
    vertx.eventBus().publish(address(sandbox), json);
  }
}
