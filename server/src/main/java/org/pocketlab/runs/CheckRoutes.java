package org.pocketlab.runs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.pocketlab.Problem;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.course.Card;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.course.Exercise;

/**
 * {@code POST /courses/{course}/cards/{card}/check}: checks the learner's own workspace against the card's
 * exercise and answers once the check has ended (a check takes seconds and says one thing, so nothing is
 * streamed). Closing the request cancels the check.
 *
 * <p>The lesson page's Check button (HTMX) gets the result as an HTML fragment, also when the check could not
 * run: HTMX swaps only 2xx answers, and "a run is going" is an answer to show in place. Other clients get JSON
 * with a status code: 200 {@code {"passed":…,"reason":…,"output":…,"exit":{…}}}, or 404/409/503
 * {@code {"error":…}}.
 */
public final class CheckRoutes {
  static final String TEMPLATE = "check_result.jte";

  private final CourseCatalog catalog;
  private final ExerciseChecks checks;
  private final Access access;
  private final BiFunction<String, Map<String, Object>, Buffer> templates;

  /** {@code templates} renders a page fragment: template name and parameters to HTML. */
  public CheckRoutes(CourseCatalog catalog, ExerciseChecks checks, Access access,
      BiFunction<String, Map<String, Object>, Buffer> templates) {
    this.catalog = catalog;
    this.checks = checks;
    this.access = access;
    this.templates = templates;
  }

  public void mount(Router router) {
    router.post("/courses/:course/cards/:card/check")
        .handler(access.signedIn())
        .handler(this::check);
  }

  /** What the result fragment shows: {@code state} is pass, fail or error (the check did not run). */
  public record CheckView(String state, String headline, String reason, String output) {
    static CheckView of(CheckResult result) {
      return new CheckView(result.passed() ? "pass" : "fail", result.passed() ? "Passed." : "Not yet.",
          result.reason(), result.hasMoreOutput() ? result.output() : null);
    }

    static CheckView refused(String message) {
      return new CheckView("error", "Not checked.", message, null);
    }
  }

  private void check(RoutingContext ctx) {
    Person person = Authentication.person(ctx).orElseThrow();
    String course = ctx.pathParam("course");
    Optional<Exercise> exercise = catalog.card(course, ctx.pathParam("card"))
        .map(Card::number)
        .flatMap(card -> catalog.exercise(course, card));
    if (exercise.isEmpty()) {
      refuse(ctx, 404, "This card has no exercise to check.");
      return;
    }
    checks.start(person, course, exercise.get(), catalog.checkSupport(course)).onComplete(started -> {
      if (started.failed()) {
        Throwable e = started.cause();
        refuse(ctx, e instanceof Problem p ? p.status() : 503,
            e instanceof Problem ? e.getMessage() : "Your sandbox could not run the check: " + e.getMessage());
        return;
      }
      ExerciseChecks.Running running = started.result();
      ctx.response().closeHandler(v -> {
        if (!ctx.response().ended()) running.cancel();
      });
      running.result().onSuccess(result -> {
        if (ctx.response().closed()) return;
        if (htmx(ctx)) {
          html(ctx, CheckView.of(result));
        } else {
          RunRoutes.json(ctx, 200, new JsonObject()
              .put("passed", result.passed())
              .put("reason", result.reason())
              .put("output", result.output())
              .put("exit", RunRoutes.exitJson(result.exit())));
        }
      });
    });
  }

  private void refuse(RoutingContext ctx, int status, String message) {
    if (htmx(ctx)) html(ctx, CheckView.refused(message));
    else RunRoutes.json(ctx, status, new JsonObject().put("error", message));
  }

  private static boolean htmx(RoutingContext ctx) {
    return "true".equals(ctx.request().getHeader("HX-Request"));
  }

  private void html(RoutingContext ctx, CheckView view) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(templates.apply(TEMPLATE, Map.of("check", view)));
  }
}
