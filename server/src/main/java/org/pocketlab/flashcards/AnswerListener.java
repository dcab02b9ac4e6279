package org.pocketlab.flashcards;

import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Told about every new grade inside the transaction that stores it, so whatever it records (progress
 * events) commits or rolls back with the grade. A retried grade is not new and is not passed on again.
 */
@FunctionalInterface
public interface AnswerListener {
  void answered(DSLContext tx, UUID person, String course, Answered answered);
}
