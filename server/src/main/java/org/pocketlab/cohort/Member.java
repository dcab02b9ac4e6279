package org.pocketlab.cohort;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Someone in a cohort: a learner, or one of its instructors. */
public record Member(UUID personId, String username, String name, String email, Role role, OffsetDateTime addedAt) {

  public enum Role {
    LEARNER, INSTRUCTOR;

    public String dbValue() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role of(String dbValue) {
      return valueOf(dbValue.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public String displayName() {
    return name == null || name.isBlank() ? username : name;
  }
}
