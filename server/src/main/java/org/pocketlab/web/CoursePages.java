package org.pocketlab.web;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;
import org.pocketlab.course.SearchHit;
import org.pocketlab.progress.ProgressOnPages;

/** The reading pages: the catalogue, a course's contents, one lesson per card, and search. */
final class CoursePages {
  private static final int MAX_HITS = 50;

  private final CourseCatalog catalog;
  private final Views views;

  CoursePages(CourseCatalog catalog, Views views) {
    this.catalog = catalog;
    this.views = views;
  }

  void catalog(RoutingContext ctx) {
    views.render(ctx, 200, "catalog.jte", views.page(ctx, "", null, null, null),
        Map.of("courses", catalog.courses()));
  }

  void home(RoutingContext ctx) {
    Optional<Course> course = catalog.course(ctx.pathParam("course"));
    if (course.isEmpty()) {
      ctx.fail(404);
      return;
    }
    views.render(ctx, 200, "course.jte", views.page(ctx, "Contents", course.get(), null, null),
        Map.of("course", course.get(), "progress", ProgressOnPages.of(ctx)));
  }

  void lesson(RoutingContext ctx) {
    String courseId = ctx.pathParam("course");
    Optional<Course> course = catalog.course(courseId);
    if (course.isEmpty()) {
      ctx.fail(404);
      return;
    }
    String path = ctx.pathParam("card");
    Optional<Card> card = catalog.card(courseId, path);
    if (card.isEmpty()) {
      redirectToCanonical(ctx, course.get(), path);
      return;
    }
    Card c = card.get();
    views.render(ctx, 200, "lesson.jte", views.page(ctx, c.number() + ". " + c.title(), course.get(), c, null),
        Map.of("article", views.article(course.get(), c), "progress", ProgressOnPages.of(ctx)));
  }

  void search(RoutingContext ctx) {
    String courseId = ctx.pathParam("course");
    Optional<Course> course = catalog.course(courseId);
    if (course.isEmpty()) {
      ctx.fail(404);
      return;
    }
    String query = Optional.ofNullable(ctx.request().getParam("q")).orElse("").strip();
    List<SearchHit> hits = catalog.search(courseId).orElseThrow().search(query, MAX_HITS);
    String title = query.isEmpty() ? "Search" : "Search: " + query;
    views.render(ctx, 200, "search.jte", views.page(ctx, title, course.get(), null, query),
        Map.of("course", course.get(), "query", query, "hits", hits));
  }

  /** {@code /cards/12} or an outdated slug still finds card 12, at its one canonical address. */
  private void redirectToCanonical(RoutingContext ctx, Course course, String path) {
    String digits = path.split("-", 2)[0];
    Optional<Card> byNumber = digits.matches("\\d{1,4}")
        ? course.card(Integer.parseInt(digits))
        : Optional.empty();
    if (byNumber.isEmpty()) {
      ctx.fail(404);
      return;
    }
    ctx.response().setStatusCode(301)
        .putHeader("Location", Links.card(course, byNumber.get()))
        .end();
  }
}
