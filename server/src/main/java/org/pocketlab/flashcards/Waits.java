package org.pocketlab.flashcards;

import java.time.Duration;

/** Human wording for the time until a card comes back: "1 min", "5 min", "3 h", "4 days", "2 months". */
public final class Waits {
  private Waits() {}

  public static String describe(Duration wait) {
    long seconds = Math.max(0, wait.toSeconds());
    if (seconds < 60) return "now";
    if (seconds < 3600) return Math.round(seconds / 60.0) + " min";
    if (seconds < 86_400) return Math.round(seconds / 3600.0) + " h";
    long days = Math.round(seconds / 86_400.0);
    if (days < 31) return days == 1 ? "1 day" : days + " days";
    if (days < 365) {
      long months = Math.round(days / 30.4);
      return months == 1 ? "1 month" : months + " months";
    }
    double years = Math.round(days / 36.5) / 10.0;
    return (years == Math.rint(years) ? String.valueOf((long) years) : String.valueOf(years))
        + (years == 1 ? " year" : " years");
  }
}
