package org.pocketlab.web;

import org.pocketlab.course.Card;
import org.pocketlab.course.Course;

/**
 * What the page frame needs to know: the title, the course and card being read (either may be null), the
 * search box's text, the request id for error pages, whether HTMX asked for the body only, and the course
 * menu, already rendered.
 */
public record PageView(
    String title, Course course, Card current, String query, String requestId, boolean partial, RenderedHtml nav) {

  public String fullTitle() {
    String site = course == null ? "Pocketlab" : course.title() + " · Pocketlab";
    return title == null || title.isEmpty() ? site : title + " · " + site;
  }
}
