package org.pocketlab.cohort;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as the dashboard shows them: "5 min ago", "3 days ago", or "never". */
public final class Ago {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

  private Ago() {}

  public static String of(OffsetDateTime when) {
    if (when == null) return "never";
    Duration d = Duration.between(when, OffsetDateTime.now(ZoneOffset.UTC));
    if (d.toMinutes() < 1) return "just now";
    if (d.toHours() < 1) return d.toMinutes() + " min ago";
    if (d.toDays() < 1) return d.toHours() + " h ago";
    long days = d.toDays();
    return days == 1 ? "1 day ago" : days + " days ago";
  }

  /** For {@code <time datetime>}; empty for never. */
  public static String iso(OffsetDateTime when) {
    return when == null ? null : when.withOffsetSameInstant(ZoneOffset.UTC).format(ISO);
  }

  public static String utc(OffsetDateTime when) {
    return when == null ? "" : when.withOffsetSameInstant(ZoneOffset.UTC).format(FULL);
  }
}
