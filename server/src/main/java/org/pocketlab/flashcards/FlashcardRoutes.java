package org.pocketlab.flashcards;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pocketlab.Problem;
import org.pocketlab.auth.Access;
import org.pocketlab.auth.Authentication;
import org.pocketlab.auth.Person;

/**
 * The flashcard pages, for signed-in learners:
 * <ul>
 *   <li>{@code GET /courses/{course}/review[?card=N]}: counts and the next card to answer (one card's
 *       items only with {@code card});
 *   <li>{@code GET /courses/{course}/review/{card}/{item}}: one flashcard, due or not;
 *   <li>{@code POST /courses/{course}/review/{card}/{item}} with {@code grade} (again, hard, good, easy)
 *       and {@code answer} (the id the page chose): records the grade and sends the browser (303) back to
 *       the review page, which says when the card returns;
 *   <li>{@code GET /courses/{course}/review/summary}: the "Review (3 due)" link the course menu loads
 *       (204, nothing, for people not signed in).
 * </ul>
 */
public final class FlashcardRoutes {
  private final Flashcards flashcards;
  private final Access access;
  private final PageRenderer pages;

  public FlashcardRoutes(Flashcards flashcards, Access access, PageRenderer pages) {
    this.flashcards = flashcards;
    this.access = access;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get("/courses/:course/review/summary").handler(this::summary);
    router.get("/courses/:course/review").handler(access.signedIn()).handler(this::review);
    router.get("/courses/:course/review/:card/:item").handler(access.signedIn()).handler(this::one);
    router.post("/courses/:course/review/:card/:item").handler(access.signedIn()).handler(this::grade);
  }

  private void review(RoutingContext ctx) {
    Deck deck = deck(ctx);
    if (deck == null) return;
    String cardParam = ctx.request().getParam("card");
    Integer card = null;
    if (cardParam != null && !cardParam.isEmpty()) {
      Optional<Integer> number = number(cardParam).filter(deck::hasCard);
      if (number.isEmpty()) {
        ctx.fail(new Problem(404, "No flashcards on that card",
            "Card " + cardParam + " of this course has no questions to practise."));
        return;
      }
      card = number.get();
    }
    UUID after = uuid(ctx.request().getParam("after")).orElse(null);
    render(ctx, deck, card, null, after);
  }

  private void one(RoutingContext ctx) {
    Target target = target(ctx);
    if (target != null) render(ctx, target.deck(), null, target.flashcard(), null);
  }

  private void grade(RoutingContext ctx) {
    Target target = target(ctx);
    if (target == null) return;
    Deck deck = target.deck();
    Optional<Grade> grade = Grade.parse(ctx.request().getFormAttribute("grade"));
    if (grade.isEmpty()) {
      ctx.fail(new Problem(400, "No grade", "Choose how well you remembered: again, hard, good or easy."));
      return;
    }
    Optional<UUID> answerId = uuid(ctx.request().getFormAttribute("answer"));
    if (answerId.isEmpty()) {
      ctx.fail(new Problem(400, "Answer not understood",
          "This answer has no valid id. Reload the page and answer again."));
      return;
    }
    Integer from = number(ctx.request().getFormAttribute("from")).filter(deck::hasCard).orElse(null);
    Person person = Authentication.person(ctx).orElseThrow();
    flashcards.answer(person.id(), deck, target.flashcard(), grade.get(), answerId.get())
        .onSuccess(answered -> {
          String back = FlashcardLinks.review(deck.course(), from);
          ctx.response().setStatusCode(303)
              .putHeader("Location", back + (from == null ? "?" : "&") + "after=" + answered.id())
              .putHeader("Cache-Control", "no-store")
              .end();
        })
        .onFailure(ctx::fail);
  }

  private void summary(RoutingContext ctx) {
    Optional<Person> person = Authentication.person(ctx);
    Optional<Deck> deck = flashcards.deck(ctx.pathParam("course"));
    if (person.isEmpty() || deck.isEmpty()) {
      ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
      return;
    }
    flashcards.counts(person.get().id(), deck.get())
        .onSuccess(counts -> pages.render(ctx, 200, "flashcards_summary.jte", "Review", deck.get().course(),
            Map.of("course", deck.get().course(), "counts", counts)))
        .onFailure(ctx::fail);
  }

  private void render(RoutingContext ctx, Deck deck, Integer card, Flashcard pinned, UUID after) {
    Person person = Authentication.person(ctx).orElseThrow();
    flashcards.review(person.id(), deck, card, pinned, after)
        .onSuccess(page -> pages.render(ctx, 200, "flashcards.jte", "Review flashcards", deck.course(),
            Map.of("review", page)))
        .onFailure(ctx::fail);
  }

  /** The course's deck, or a 404 page (and null) when the course is unknown or has no flashcards. */
  private Deck deck(RoutingContext ctx) {
    Optional<Deck> deck = flashcards.deck(ctx.pathParam("course"));
    if (deck.isEmpty()) ctx.fail(new Problem(404, "No flashcards here", "This course has no flashcards."));
    return deck.orElse(null);
  }

  /** The flashcard a {@code /review/{card}/{item}} address names, with its deck. */
  private record Target(Deck deck, Flashcard flashcard) {}

  /** The flashcard at this address, or a 404 page (and null) when there is none. */
  private Target target(RoutingContext ctx) {
    Deck deck = deck(ctx);
    if (deck == null) return null;
    Optional<Flashcard> found = number(ctx.pathParam("card"))
        .flatMap(card -> number(ctx.pathParam("item")).flatMap(item -> deck.find(card, item)));
    if (found.isEmpty()) {
      ctx.fail(new Problem(404, "No such flashcard", "Card " + ctx.pathParam("card") + " has no question "
          + ctx.pathParam("item") + " to practise. The review page lists what there is."));
      return null;
    }
    return new Target(deck, found.get());
  }

  private static Optional<Integer> number(String text) {
    return text != null && text.matches("[1-9]\\d{0,3}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
  }

  private static Optional<UUID> uuid(String text) {
    if (text == null || !text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      return Optional.empty();
    }
    return Optional.of(UUID.fromString(text));
  }
}
