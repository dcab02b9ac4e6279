package org.pocketlab.flashcards;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.jooq.DSLContext;
import org.pocketlab.progress.EventKind;
import org.pocketlab.progress.ProgressEvent;
import org.pocketlab.progress.ProgressEvents;

/**
 * Every new grade becomes a {@link EventKind#FLASHCARD_ANSWERED} progress event on the flashcard's card, in
 * the grade's own transaction and under the answer's id, so grade and event are stored together or not at
 * all, and a retried grade adds no second event.
 */
public final class AnswersAsProgress implements AnswerListener {
  private final ProgressEvents progress;

  public AnswersAsProgress(ProgressEvents progress) {
    this.progress = progress;
  }

  @Override
  public void answered(DSLContext tx, UUID person, String course, Answered answered) {
    JsonObject detail = new JsonObject()
        .put("item", answered.card().itemNumber())
        .put("grade", answered.grade().key())
        .put("nextDue", answered.due().toString());
    progress.recordIn(tx, new ProgressEvent(answered.id(), person, course, answered.card().cardNumber(),
        EventKind.FLASHCARD_ANSWERED, detail));
  }
}
