package org.pocketlab.config;

import java.time.Duration;

/**
 * How long a sign-in lasts: it ends after {@code idle} without a request or {@code absolute} after sign-in,
 * whichever comes first. {@code publicLessons} lets people read lessons without signing in.
 */
public record SessionSettings(Duration idle, Duration absolute, boolean publicLessons) {

  static SessionSettings from(Env env) {
    return new SessionSettings(
        Duration.ofMinutes(env.integer("POCKETLAB_SESSION_IDLE_MINUTES", 120, 1, 7 * 24 * 60)),
        Duration.ofHours(env.integer("POCKETLAB_SESSION_MAX_HOURS", 12, 1, 30 * 24)),
        env.bool("POCKETLAB_PUBLIC_LESSONS", true));
  }
}
