package org.pocketlab.runs;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.pocketlab.Problem;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.course.RunRecipe;
import org.pocketlab.sandbox.ExitStatus;

/**
 * {@code POST /courses/{course}/cards/{card}/examples/{n}/run}: runs the example's recipe in the learner's
 * sandbox and streams the output as it comes, as NDJSON: {@code {"out":"…"}} lines, then one
 * {@code {"exit":{"code":…,"reason":…,"ms":…,"message":…}}}. Closing the request cancels the run.
 * Output is paused while the connection cannot take more, so a flood never piles up in the server.
 */
public final class RunRoutes {
  private final CourseCatalog catalog;
  private final ExampleRuns runs;
  private final Access access;

  public RunRoutes(CourseCatalog catalog, ExampleRuns runs, Access access) {
    this.catalog = catalog;
    this.runs = runs;
    this.access = access;
  }

  public void mount(Router router) {
    router.post("/courses/:course/cards/:card/examples/:example/run")
        .handler(access.signedIn())
        .handler(this::run);
    router.post("/courses/:course/sandbox/reset")
        .handler(access.signedIn())
        .handler(this::reset);
  }

  /** "Reset my sandbox" (the page asks for confirmation first): the workspace becomes the starter again. */
  private void reset(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    String course = ctx.pathParam("course");
    if (catalog.course(course).isEmpty()) {
      json(ctx, 404, new JsonObject().put("error", "No such course."));
      return;
    }
    runs.reset(person, course)
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("reset", true)
            .put("note", "Your sandbox was reset to the starter project.")))
        .onFailure(e -> json(ctx, e instanceof Problem p ? p.status() : 503, new JsonObject().put("error",
            e instanceof Problem ? e.getMessage() : "Your sandbox could not be reset: " + e.getMessage())));
  }

  private void run(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    String course = ctx.pathParam("course");
    Optional<RunRecipe> recipe = catalog.card(course, ctx.pathParam("card"))
        .flatMap(card -> example(ctx).flatMap(n -> catalog.recipe(course, card.number(), n)));
    if (recipe.isEmpty()) {
      json(ctx, 404, new JsonObject().put("error", "This example has nothing to run."));
      return;
    }
    HttpServerResponse response = ctx.response();
    runs.start(person, course, recipe.get()).onComplete(started -> {
      if (started.failed()) {
        Throwable e = started.cause();
        json(ctx, e instanceof Problem p ? p.status() : 503, new JsonObject().put("error",
            e instanceof Problem ? e.getMessage() : "Your sandbox could not run this: " + e.getMessage()));
        return;
      }
      ExampleRuns.Started run = started.result();
      boolean[] cancelled = {false};
      Utf8Stream text = new Utf8Stream();
      response.setChunked(true)
          .putHeader("Content-Type", "application/x-ndjson; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .putHeader("X-Accel-Buffering", "no");
      response.closeHandler(v -> {
        if (!response.ended()) {
          cancelled[0] = true;
          run.process().kill();
        }
      });
      var output = run.process().output();
      // In place before the first write: set only on seeing the queue full, it could miss the drain.
      response.drainHandler(x -> output.resume());
      output.handler(chunk -> {
        String decoded = text.decode(chunk);
        if (!decoded.isEmpty()) response.write(new JsonObject().put("out", decoded).encode() + "\n");
        if (response.writeQueueFull()) output.pause();
      });
      output.endHandler(v -> run.process().exit().onSuccess(exit -> runs.finished(run, exit, cancelled[0])
          .onComplete(recorded -> {
            if (response.closed()) return;
            String rest = text.finish();
            if (!rest.isEmpty()) response.write(new JsonObject().put("out", rest).encode() + "\n");
            response.end(new JsonObject().put("exit", exitJson(exit)).encode() + "\n");
          })));
    });
  }

  private static Optional<Integer> example(RoutingContext ctx) {
    String n = ctx.pathParam("example");
    return n.matches("[1-9]\\d{0,2}") ? Optional.of(Integer.parseInt(n)) : Optional.empty();
  }

  static JsonObject exitJson(ExitStatus exit) {
    JsonObject json = new JsonObject()
        .put("code", exit.code())
        .put("reason", ExampleRuns.outcome(exit))
        .put("ms", exit.duration().toMillis());
    String message = switch (exit.reason()) {
      case TIMEOUT -> "Stopped: it took longer than the time limit.";
      case OUTPUT_LIMIT -> "Stopped: it printed more than the output limit.";
      case OUT_OF_MEMORY -> "Stopped: it ran out of memory.";
      case FILE_SIZE_LIMIT -> "Stopped: it wrote a file larger than the limit.";
      case KILLED -> "Cancelled.";
      case SANDBOX_STOPPED -> "Stopped: your sandbox was stopped.";
      default -> null;
    };
    if (message != null) json.put("message", message);
    return json;
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
