package org.pocketlab.config;

import java.time.Duration;

/**
 * When the instructors' dashboard flags a learner as stuck: {@code failures} failed runs or checks on the
 * same card (not yet done) within {@code window}, or no activity in the course for {@code idle}.
 */
public record StuckSettings(int failures, Duration window, Duration idle) {

  static StuckSettings from(Env env) {
    return new StuckSettings(
        env.integer("POCKETLAB_STUCK_FAILURES", 3, 2, 100),
        Duration.ofMinutes(env.integer("POCKETLAB_STUCK_WINDOW_MINUTES", 30, 1, 24 * 60)),
        Duration.ofDays(env.integer("POCKETLAB_STUCK_IDLE_DAYS", 3, 1, 365)));
  }
}
