package org.pocketlab.flashcards;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.pocketlab.Problem;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.db.Database;

/**
 * Learners' flashcards: which card to answer next, the counts, and grading with the FSRS-5 schedule. Every
 * database call runs through {@link Database}, off the event loop.
 */
public final class Flashcards {
  private final Database database;
  private final Clock clock;
  private final Fsrs fsrs = new Fsrs();
  private final Map<String, Deck> decks = new LinkedHashMap<>();
  private final AnswerListener listener;

  /** {@code listener} hears of every new grade inside its transaction (progress events). */
  public Flashcards(Database database, CourseCatalog catalog, Clock clock, AnswerListener listener) {
    this.database = database;
    this.clock = clock;
    this.listener = listener;
    for (Course course : catalog.courses()) {
      Deck deck = Deck.of(course);
      if (!deck.cards().isEmpty()) decks.put(course.id(), deck);
    }
  }

  /** The course's flashcards, if it has any. */
  public Optional<Deck> deck(String course) {
    return Optional.ofNullable(decks.get(course));
  }

  /**
   * The review page: counts for {@code card}'s items (all when null), the card to answer next (due ones
   * first, the longest overdue first, then new ones in reading order; or {@code pinned} when given) and
   * the outcome of the answer {@code after}, if it is this learner's.
   */
  public Future<ReviewPage> review(UUID user, Deck deck, Integer card, Flashcard pinned, UUID after) {
    String course = deck.course().id();
    return database.query(dsl -> {
      Instant now = clock.instant();
      Map<FlashcardStore.Key, Memory> memories = FlashcardStore.memories(dsl, user, course);
      List<Flashcard> scope = deck.scope(card);
      Flashcard next = pinned != null ? pinned : next(scope, memories, now).orElse(null);
      Instant nextDue = scope.stream().map(f -> memories.get(FlashcardStore.Key.of(f)))
          .filter(m -> m != null && m.due().isAfter(now))
          .map(Memory::due).min(Comparator.naturalOrder()).orElse(null);
      Answered last = after == null ? null : answered(dsl, user, deck, after).orElse(null);
      Prompt prompt = next == null ? null : prompt(next, memories.get(FlashcardStore.Key.of(next)), now);
      return new ReviewPage(deck, card, Counts.of(scope, memories, now), prompt, nextDue, last, now);
    });
  }

  /** The counts over the whole deck, for the "Review (3 due)" link. */
  public Future<Counts> counts(UUID user, Deck deck) {
    return database.query(dsl ->
        Counts.of(deck.cards(), FlashcardStore.memories(dsl, user, deck.course().id()), clock.instant()));
  }

  /**
   * Records {@code grade} for the flashcard and schedules it. The same {@code answerId} twice (a retried
   * request) is recorded once and answers with the first outcome; an id already used for another person
   * or flashcard is refused with 409.
   */
  public Future<Answered> answer(UUID user, Deck deck, Flashcard flashcard, Grade grade, UUID answerId) {
    String course = deck.course().id();
    FlashcardStore.Key key = FlashcardStore.Key.of(flashcard);
    return database.transaction(dsl -> {
          FlashcardStore.lockLearner(dsl, user, course);
          Optional<FlashcardStore.StoredAnswer> earlier = FlashcardStore.answer(dsl, answerId);
          if (earlier.isPresent()) {
            FlashcardStore.StoredAnswer a = earlier.get();
            if (!a.user().equals(user) || !a.course().equals(course) || !a.key().equals(key)) throw reusedId();
            return new Answered(a.id(), flashcard, a.grade(), a.answeredAt(), a.phase(), a.due());
          }
          Instant now = clock.instant();
          Memory before = FlashcardStore.memory(dsl, user, course, key).orElse(Memory.fresh(now));
          Memory after = fsrs.review(before, grade, now);
          FlashcardStore.save(dsl, user, course, key, answerId, grade, after);
          Answered answered = new Answered(answerId, flashcard, grade, now, after.phase(), after.due());
          listener.answered(dsl, user, course, answered);
          return answered;
        })
        // The same id sent by someone else at the same moment: their insert won.
        .recover(e -> Future.failedFuture(
            e instanceof DataAccessException d && "23505".equals(d.sqlState()) ? reusedId() : e));
  }

  private Optional<Flashcard> next(List<Flashcard> scope, Map<FlashcardStore.Key, Memory> memories, Instant now) {
    Optional<Flashcard> due = scope.stream()
        .filter(f -> {
          Memory m = memories.get(FlashcardStore.Key.of(f));
          return m != null && !m.due().isAfter(now);
        })
        .min(Comparator.comparing(f -> memories.get(FlashcardStore.Key.of(f)).due()));
    if (due.isPresent()) return due;
    return scope.stream().filter(f -> !memories.containsKey(FlashcardStore.Key.of(f))).findFirst();
  }

  private Prompt prompt(Flashcard card, Memory memory, Instant now) {
    Memory current = memory == null ? Memory.fresh(now) : memory;
    List<Prompt.Choice> choices = java.util.Arrays.stream(Grade.values())
        .map(g -> new Prompt.Choice(g, Waits.describe(Duration.between(now, fsrs.review(current, g, now).due()))))
        .toList();
    return new Prompt(card, memory == null, UUID.randomUUID(), choices);
  }

  private static Optional<Answered> answered(DSLContext dsl, UUID user, Deck deck, UUID id) {
    return FlashcardStore.answer(dsl, id)
        .filter(a -> a.user().equals(user) && a.course().equals(deck.course().id()))
        .flatMap(a -> deck.find(a.key().card(), a.key().item())
            .map(f -> new Answered(a.id(), f, a.grade(), a.answeredAt(), a.phase(), a.due())));
  }

  private static Problem reusedId() {
    return new Problem(409, "Answer already recorded",
        "This answer's id belongs to another flashcard. Reload the page and answer again.");
  }
}
