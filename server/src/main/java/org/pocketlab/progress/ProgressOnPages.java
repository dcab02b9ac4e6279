package org.pocketlab.progress;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;
import org.pocketlab.course.Card;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route handlers in front of the reading pages: for a signed-in learner they record that a card was viewed
 * and load the learner's statuses for the course home and the lesson badge. A database hiccup costs the
 * badges, never the page.
 *
 * <p>The VIEWED event's id is derived from person, course, card and the UTC day (a name-based UUID): a
 * reload, a boosted navigation or a history restore on the same day is the same event and counts once,
 * while the activity chart still sees each day someone came back to a card.
 */
public final class ProgressOnPages {
  private static final Logger log = LoggerFactory.getLogger(ProgressOnPages.class);
  private static final String KEY = "pocketlab.progress";

  private final CourseCatalog catalog;
  private final Database database;
  private final ProgressEvents events;

  public ProgressOnPages(CourseCatalog catalog, Database database, ProgressEvents events) {
    this.catalog = catalog;
    this.database = database;
    this.events = events;
  }

  /** The learner's progress loaded for this request, or {@link LearnerProgress#NONE}. */
  public static LearnerProgress of(RoutingContext ctx) {
    LearnerProgress progress = ctx.get(KEY);
    return progress == null ? LearnerProgress.NONE : progress;
  }

  public static UUID viewedEventId(UUID person, String course, int card, LocalDate day) {
    String name = "viewed|" + person + "|" + course + "|" + card + "|" + day;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  /** Before a lesson: records the view, then loads the statuses (so the badge says at least "viewed"). */
  public Handler<RoutingContext> lesson() {
    return ctx -> {
      Optional<Person> person = Authentication.person(ctx);
      String course = ctx.pathParam("course");
      Optional<Card> card = catalog.card(course, ctx.pathParam("card"));
      if (person.isEmpty() || card.isEmpty()) {
        ctx.next();
        return;
      }
      UUID id = viewedEventId(person.get().id(), course, card.get().number(), LocalDate.now(ZoneOffset.UTC));
      ProgressEvent viewed = new ProgressEvent(id, person.get().id(), course, card.get().number(), EventKind.VIEWED,
          new JsonObject());
      database.transaction(dsl -> {
            events.recordIn(dsl, viewed);
            return LearnerProgress.load(dsl, person.get().id(), course);
          })
          .onComplete(loaded -> continueWith(ctx, loaded));
    };
  }

  /** Before the course home: loads the statuses for the badges, section progress and "continue". */
  public Handler<RoutingContext> courseHome() {
    return ctx -> {
      Optional<Person> person = Authentication.person(ctx);
      String course = ctx.pathParam("course");
      if (person.isEmpty() || catalog.course(course).isEmpty()) {
        ctx.next();
        return;
      }
      database.query(dsl -> LearnerProgress.load(dsl, person.get().id(), course))
          .onComplete(loaded -> continueWith(ctx, loaded));
    };
  }

  private static void continueWith(RoutingContext ctx, io.vertx.core.AsyncResult<LearnerProgress> loaded) {
    if (loaded.succeeded()) {
      ctx.put(KEY, loaded.result());
    } else {
      log.warn("progress of {} not available for {}: {}", Authentication.person(ctx).map(Person::username).orElse("?"),
          ctx.request().path(), loaded.cause().toString());
    }
    ctx.next();
  }
}
