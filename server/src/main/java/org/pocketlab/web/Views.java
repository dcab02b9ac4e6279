package org.pocketlab.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pocketlab.auth.Authentication;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;
import org.pocketlab.course.CourseCatalog;

/**
 * Renders the precompiled templates. A boosted HTMX navigation gets only the lesson area (plus the title
 * and the course menu as an out-of-band swap); any other request, including HTMX's history restore after a
 * cache miss, gets the whole page from the same template.
 *
 * <p>Course content cannot change while the server runs, so the parts of a page that depend only on it
 * (a card's article, the course menu with that card marked) are rendered once and reused; only the
 * per-request frame is rendered each time.
 */
final class Views {
  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(null, ContentType.Html, null, "org.pocketlab.web.templates");
  private final Map<String, RenderedHtml> fragments = new ConcurrentHashMap<>();
  private final boolean signInConfigured;
  private final boolean sandboxes;
  private final CourseCatalog catalog;

  Views(boolean signInConfigured, boolean sandboxes, CourseCatalog catalog) {
    this.signInConfigured = signInConfigured;
    this.sandboxes = sandboxes;
    this.catalog = catalog;
  }

  static boolean wantsPartial(RoutingContext ctx) {
    return "true".equals(ctx.request().getHeader("HX-Request"))
        && !"true".equals(ctx.request().getHeader("HX-History-Restore-Request"));
  }

  PageView page(RoutingContext ctx, String title, Course course, Card current, String query) {
    boolean partial = wantsPartial(ctx);
    return new PageView(title, course, current, query, RequestLog.requestId(ctx), partial,
        courseMenu(course, current, partial), Authentication.person(ctx).orElse(null),
        Authentication.csrfToken(ctx).orElse(null), signInConfigured, ctx.request().uri(),
        SecurityHeaders.styleNonce(ctx), sandboxes);
  }

  /** A card's article: the same for every reader, so rendered once per card. */
  RenderedHtml article(Course course, Card card) {
    return fragment(course.id() + "/article/" + card.number(), "lesson_article.jte", () -> {
      Map<String, Object> params = new HashMap<>();
      params.put("catalog", catalog);
      params.put("course", course);
      params.put("card", card);
      params.put("section", course.section(card.sectionNumber()).orElseThrow());
      params.put("previous", course.previous(card));
      params.put("next", course.next(card));
      return params;
    });
  }

  /** The course menu with the current card marked; as an out-of-band swap for partial responses. */
  private RenderedHtml courseMenu(Course course, Card current, boolean outOfBand) {
    String key = (course == null ? "-" : course.id()) + "/nav/" + (current == null ? 0 : current.number())
        + "/" + outOfBand;
    return fragment(key, "nav.jte", () -> {
      Map<String, Object> params = new HashMap<>();
      params.put("course", course);
      params.put("current", current);
      params.put("oob", outOfBand);
      return params;
    });
  }

  private RenderedHtml fragment(String key, String template, Supplier<Map<String, Object>> params) {
    RenderedHtml cached = fragments.get(key);
    if (cached != null) return cached;
    return fragments.computeIfAbsent(key, k -> {
      Utf8ByteOutput out = new Utf8ByteOutput();
      engine.render(template, params.get(), out);
      return new RenderedHtml(out.toByteArray());
    });
  }

  /** A fragment without the page frame (e.g. a check's result, swapped into the lesson by HTMX). */
  io.vertx.core.buffer.Buffer fragment(String template, Map<String, Object> params) {
    BufferOutput out = new BufferOutput();
    engine.render(template, params, out);
    return out.buffer();
  }

  void render(RoutingContext ctx, int status, String template, PageView page, Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(params);
    all.put("page", page);
    BufferOutput out = new BufferOutput();
    engine.render(template, all, out);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Vary", "HX-Request")
        .putHeader("Cache-Control", "no-cache")
        .end(out.buffer());
  }
}
