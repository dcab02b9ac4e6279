package org.pocketlab.runs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.pocketlab.Problem;
import org.pocketlab.auth.Person;
import org.pocketlab.course.Exercise;
import org.pocketlab.sandbox.ExecSpec;
import org.pocketlab.sandbox.ExitStatus;
import org.pocketlab.sandbox.SandboxId;
import org.pocketlab.sandbox.SandboxManager;
import org.pocketlab.sandbox.SandboxProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a learner's own work on a card's exercise: runs the exercise's check in their sandbox (taking the
 * same turn as a Run, so one run or check goes at a time per learner) and tells whoever listens, so that a
 * result becomes a progress event. A cancelled check is no result and is not told.
 */
public final class ExerciseChecks {
  private static final Logger log = LoggerFactory.getLogger(ExerciseChecks.class);
  /** The check's last line is what counts; the tail kept for "details" is plenty at this size. */
  private static final int KEPT_OUTPUT = 32 * 1024;

  private final SandboxManager sandboxes;
  private final ExampleRuns turns;
  private volatile Function<Checked, Future<?>> onChecked = checked -> Future.succeededFuture();

  ExerciseChecks(SandboxManager sandboxes, ExampleRuns turns) {
    this.sandboxes = sandboxes;
    this.turns = turns;
  }

  /** A finished check of one learner's work; {@code id} identifies it (e.g. as a progress event). */
  public record Checked(UUID id, Person person, String course, int card, CheckResult result) {}

  /** Told about every finished check before its result is answered (so that a reload already shows it). */
  public void onChecked(Function<Checked, Future<?>> listener) {
    this.onChecked = listener;
  }

  /** A check that is going: its result arrives once it ended and was told; {@link #cancel} stops it. */
  public static final class Running {
    private final SandboxProcess process;
    private final Future<CheckResult> result;
    private volatile boolean cancelled;

    private Running(SandboxProcess process, Future<CheckResult> result) {
      this.process = process;
      this.result = result;
    }

    public Future<CheckResult> result() {
      return result;
    }

    public void cancel() {
      cancelled = true;
      process.kill();
    }
  }

  public Future<Running> start(Person person, String course, Exercise exercise, Map<String, String> support) {
    SandboxId id = new SandboxId(person.id().toString(), course);
    return turns.claimTurnForCheck(person.id()).compose(claimed -> sandboxes
        .exec(id, ExecSpec.of("bash", "-c", CheckScript.of(exercise, support)))
        .map(process -> {
          process.input().end(); // a check takes no input
          Promise<CheckResult> result = Promise.promise();
          Running running = new Running(process, result.future());
          collect(process, (exit, output) -> {
            turns.releaseTurn(person.id());
            CheckResult checked = CheckResult.of(exit, output);
            if (running.cancelled) {
              result.complete(checked);
              return;
            }
            onChecked.apply(new Checked(UUID.randomUUID(), person, course, exercise.card(), checked))
                .onFailure(e -> log.error("check of card {} by {} could not be recorded", exercise.card(),
                    person.username(), e))
                .onComplete(x -> result.complete(checked));
          });
          return running;
        })
        .onFailure(e -> {
          turns.releaseTurn(person.id()); // only a claimed turn gets here
          log.warn("check of card {} for {} could not start: {}", exercise.card(), person.username(), e.getMessage());
        }));
  }

  /** Keeps the tail of the output (decoded across chunk boundaries) until the process has ended. */
  private static void collect(SandboxProcess process, java.util.function.BiConsumer<ExitStatus, String> done) {
    Utf8Stream text = new Utf8Stream();
    StringBuilder tail = new StringBuilder();
    process.output().handler(chunk -> {
      tail.append(text.decode(chunk));
      if (tail.length() > 2 * KEPT_OUTPUT) tail.delete(0, tail.length() - KEPT_OUTPUT);
    });
    process.output().endHandler(v -> process.exit().onSuccess(exit -> {
      tail.append(text.finish());
      done.accept(exit, tail.length() > KEPT_OUTPUT ? tail.substring(tail.length() - KEPT_OUTPUT) : tail.toString());
    }));
  }
}
