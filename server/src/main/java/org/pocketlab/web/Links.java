package org.pocketlab.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.pocketlab.course.Card;
import org.pocketlab.course.Course;

/** The site's URLs, built in one place so templates and handlers agree. */
public final class Links {
  private Links() {}

  public static String course(Course course) {
    return "/courses/" + course.id();
  }

  public static String card(Course course, Card card) {
    return course(course) + "/cards/" + card.path();
  }

  public static String run(Course course, Card card, int example) {
    return card(course, card) + "/examples/" + example + "/run";
  }

  /** Checks the learner's work on the card's exercise (POST). */
  public static String check(Course course, Card card) {
    return card(course, card) + "/check";
  }

  public static String terminal(Course course) {
    return course(course) + "/terminal";
  }

  public static String section(Course course, int section) {
    return course(course) + "#section-" + section;
  }

  public static String search(Course course) {
    return course(course) + "/search";
  }

  public static String search(Course course, String query) {
    return search(course) + "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
  }
}
