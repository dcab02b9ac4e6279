package org.pocketlab.progress;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * One thing a learner did on a card. {@code eventId} is chosen by the client (a retried request carries the
 * same id and counts once); {@code detail} is free JSON (an empty object when there is nothing to add).
 */
public record ProgressEvent(UUID eventId, UUID personId, String course, int cardNumber, EventKind kind,
    JsonObject detail) {

  public ProgressEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(personId, "personId");
    Objects.requireNonNull(course, "course");
    Objects.requireNonNull(kind, "kind");
    detail = detail == null ? new JsonObject() : detail;
  }
}
