package org.pocketlab.flashcards;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.pocketlab.course.Course;

/** Renders a template in the site's frame; the web package supplies it, since the page frame is its own. */
@FunctionalInterface
public interface PageRenderer {
  void render(RoutingContext ctx, int status, String template, String title, Course course, Map<String, Object> params);
}
