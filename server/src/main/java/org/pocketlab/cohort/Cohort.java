package org.pocketlab.cohort;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A group of learners taking one course together; learners join with {@code joinCode}. */
public record Cohort(UUID id, String course, String name, LocalDate startsOn, LocalDate endsOn, String joinCode,
    OffsetDateTime createdAt) {

  /** "3 Mar 2025 – 30 Jun 2025", "from 3 Mar 2025", or "" without dates. */
  public String dates() {
    java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("d MMM yyyy",
        java.util.Locale.ENGLISH);
    if (startsOn != null && endsOn != null) return startsOn.format(f) + " – " + endsOn.format(f);
    if (startsOn != null) return "from " + startsOn.format(f);
    if (endsOn != null) return "until " + endsOn.format(f);
    return "";
  }

  public boolean ended(LocalDate today) {
    return endsOn != null && endsOn.isBefore(today);
  }

  public String path() {
    return "/cohorts/" + id;
  }

  /** The join link's path; the page shows it absolute, with the server's public URL. */
  public String joinPath() {
    return "/join/" + joinCode;
  }
}
