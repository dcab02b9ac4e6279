package org.pocketlab.config;

import java.time.Duration;

/**
 * How long a sign-in lasts: it ends after {@code idle} without a request or {@code absolute} after sign-in,
 * whichever comes first. Open terminals and live dashboards re-read their sign-in every {@code recheck}, so a
 * sign-out (here, in Keycloak, or by expiry) closes them too. {@code publicLessons} lets people read lessons
 * without signing in.
 */
public record SessionSettings(Duration idle, Duration absolute, Duration recheck, boolean publicLessons) {

  static SessionSettings from(Env env) {
    return new SessionSettings(
        Duration.ofMinutes(env.integer("POCKETLAB_SESSION_IDLE_MINUTES", 120, 1, 7 * 24 * 60)),
        Duration.ofHours(env.integer("POCKETLAB_SESSION_MAX_HOURS", 12, 1, 30 * 24)),
        Duration.ofSeconds(env.integer("POCKETLAB_SESSION_RECHECK_SECONDS", 60, 1, 3600)),
        env.bool("POCKETLAB_PUBLIC_LESSONS", true));
  }
}
