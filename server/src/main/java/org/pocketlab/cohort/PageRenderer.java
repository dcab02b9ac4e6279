package org.pocketlab.cohort;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.pocketlab.course.Course;

/** Renders a page template in the site's frame (the web package's views); {@code course} may be null. */
@FunctionalInterface
public interface PageRenderer {
  void render(RoutingContext ctx, int status, String template, String title, Course course, Map<String, Object> params);
}
