package org.pocketlab.web;

import org.pocketlab.auth.Person;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;

/**
 * What the page frame needs to know: the title, the course and card being read (either may be null), the
 * search box's text, the request id for error pages, whether HTMX asked for the body only, the course
 * menu (already rendered), who is signed in (or null) with their CSRF token, and whether sign-in exists.
 */
public record PageView(
    String title, Course course, Card current, String query, String requestId, boolean partial, RenderedHtml nav,
    Person person, String csrfToken, boolean signInConfigured, String path, String styleNonce,
    boolean sandboxes) {

  /** HTMX sends this header with every request it makes, so boosted forms pass the CSRF check. */
  public String htmxHeaders() {
    return csrfToken == null ? null : "{\"X-CSRF-Token\": \"" + csrfToken + "\"}";
  }

  /** The learner's terminal for this course, when signed in and this server runs sandboxes. */
  public String terminalUrl() {
    return person != null && sandboxes && course != null ? Links.terminal(course) : null;
  }

  public String signInLink() {
    return "/auth/login?return=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8);
  }

  public String fullTitle() {
    String site = course == null ? "Pocketlab" : course.title() + " · Pocketlab";
    return title == null || title.isEmpty() ? site : title + " · " + site;
  }
}
