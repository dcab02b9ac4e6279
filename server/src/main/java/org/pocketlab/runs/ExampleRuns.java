package org.pocketlab.runs;

import static org.pocketlab.db.schema.Tables.EXAMPLE_RUN;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jooq.DSLContext;
import org.pocketlab.Problem;
import org.pocketlab.auth.Person;
import org.pocketlab.course.RunRecipe;
import org.pocketlab.db.Database;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxManager;
import org.pocketlab.sandbox.SandboxProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs examples in learners' sandboxes, one at a time per learner (a second Run while one is going is
 * refused with a message, not queued: the learner sees the first one running and can cancel it), and
 * records every run for progress.
 */
public final class ExampleRuns {
  private static final Logger log = LoggerFactory.getLogger(ExampleRuns.class);

  private final SandboxManager sandboxes;
  private final Database database;
  /** Whose turn is taken, and by what: "run" or "check" (what a refusal names). */
  private final Map<UUID, String> running = new ConcurrentHashMap<>();
  private volatile BiConsumer<DSLContext, Recorded> onRecorded = (tx, run) -> {};

  public ExampleRuns(SandboxManager sandboxes, Database database) {
    this.sandboxes = sandboxes;
    this.database = database;
  }

  /** A run as recorded in {@code example_run}. */
  public record Recorded(UUID id, Person person, String course, int card, int example, Integer exitCode,
      String outcome, Duration took) {}

  /**
   * Also does {@code listener} inside the transaction that records each run that started (progress counts
   * runs this way, so a run and its progress event are stored together or not at all).
   */
  public void onRecorded(BiConsumer<DSLContext, Recorded> listener) {
    this.onRecorded = listener;
  }

  /** A run that started; {@link #finished} must be called with how it ended. */
  public record Started(Person person, String course, RunRecipe recipe, SandboxProcess process,
      OffsetDateTime startedAt) {}

  public Future<Started> start(Person person, String course, RunRecipe recipe) {
    String holder = running.putIfAbsent(person.id(), "run");
    if (holder != null) return Future.failedFuture(busy(holder, "run again"));
    OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
    SandboxId id = new SandboxId(person.id().toString(), course);
    return sandboxes.exec(id, ExecSpec.of("bash", "-c", RunScript.of(recipe)))
        .map(process -> {
          process.input().end(); // a run takes no input: a command that reads stdin sees its end at once
          return new Started(person, course, recipe, process, startedAt);
        })
        .onFailure(e -> {
          running.remove(person.id());
          record(person, course, recipe, null, "failed", Duration.ZERO, startedAt);
          log.warn("run of card {} example {} for {} could not start: {}", recipe.card(), recipe.example(),
              person.username(), e.getMessage());
        });
  }

  /** Exercise checks take the same turn as runs: one run or check at a time per learner. */
  Future<Void> claimTurnForCheck(UUID learner) {
    String holder = running.putIfAbsent(learner, "check");
    return holder == null ? Future.succeededFuture() : Future.failedFuture(busy(holder, "check again"));
  }

  private static Problem busy(String holder, String then) {
    return new Problem(409, "A " + holder + " is already going", "A " + holder + " is already going in your sandbox."
        + " Wait for it to finish or cancel it, then " + then + ".");
  }

  void releaseTurn(UUID learner) {
    running.remove(learner);
  }

  /** Restores the starter project in the learner's sandbox; refused while one of their runs is going. */
  public Future<Void> reset(Person person, String course) {
    String holder = running.get(person.id());
    if (holder != null) {
      return Future.failedFuture(new Problem(409, "A " + holder + " is going",
          "A " + holder + " is going in your sandbox; wait for it or cancel it before resetting."));
    }
    return sandboxes.reset(new SandboxId(person.id().toString(), course));
  }

  /**
   * Frees the learner for the next run and records how this one ended. Completes once recorded (or once
   * recording failed, which is logged): the route ends its response then, so the page reloaded next shows it.
   */
  public Future<Void> finished(Started run, ExitStatus exit, boolean cancelled) {
    running.remove(run.person().id());
    return record(run.person(), run.course(), run.recipe(), exit.code(), cancelled ? "cancelled" : outcome(exit),
        exit.duration(), run.startedAt());
  }

  static String outcome(ExitStatus exit) {
    return exit.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private Future<Void> record(Person person, String course, RunRecipe recipe, Integer code, String outcome,
      Duration took, OffsetDateTime startedAt) {
    UUID id = UUID.randomUUID();
    return database.transaction(dsl -> {
          dsl.insertInto(EXAMPLE_RUN)
              .set(EXAMPLE_RUN.ID, id)
              .set(EXAMPLE_RUN.USER_ID, person.id())
              .set(EXAMPLE_RUN.COURSE_ID, course)
              .set(EXAMPLE_RUN.CARD_NUMBER, recipe.card())
              .set(EXAMPLE_RUN.EXAMPLE_INDEX, recipe.example())
              .set(EXAMPLE_RUN.EXIT_CODE, code)
              .set(EXAMPLE_RUN.OUTCOME, outcome)
              .set(EXAMPLE_RUN.DURATION_MS, (int) Math.min(Integer.MAX_VALUE, took.toMillis()))
              .set(EXAMPLE_RUN.STARTED_AT, startedAt)
              .execute();
          if (!"failed".equals(outcome)) { // "failed": it never started, which is no practice
            onRecorded.accept(dsl, new Recorded(id, person, course, recipe.card(), recipe.example(), code, outcome,
                took));
          }
          return null;
        })
        .onFailure(e -> log.error("run of {} could not be recorded", person.username(), e))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
