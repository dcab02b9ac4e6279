package org.pocketlab.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pocketlab.config.InvalidSettingException;
import org.pocketlab.config.Settings;

/** The dashboard's "stuck" thresholds, read and checked at boot like every setting. */
class StuckSettingsTest {

  @Test
  void defaultsAndTypedValues() {
    var defaults = Settings.from(Map.of()).stuck();
    assertEquals(3, defaults.failures());
    assertEquals(Duration.ofMinutes(30), defaults.window());
    assertEquals(Duration.ofDays(3), defaults.idle());
    var set = Settings.from(Map.of("POCKETLAB_STUCK_FAILURES", "5", "POCKETLAB_STUCK_WINDOW_MINUTES", "90",
        "POCKETLAB_STUCK_IDLE_DAYS", "7")).stuck();
    assertEquals(5, set.failures());
    assertEquals(Duration.ofMinutes(90), set.window());
    assertEquals(Duration.ofDays(7), set.idle());
  }

  @Test
  void badValuesNameTheVariable() {
    InvalidSettingException one = assertThrows(InvalidSettingException.class,
        () -> Settings.from(Map.of("POCKETLAB_STUCK_FAILURES", "1")));
    assertTrue(one.getMessage().contains("POCKETLAB_STUCK_FAILURES"), one.getMessage());
    assertThrows(InvalidSettingException.class, () -> Settings.from(Map.of("POCKETLAB_STUCK_IDLE_DAYS", "soon")));
    assertThrows(InvalidSettingException.class, () -> Settings.from(Map.of("POCKETLAB_STUCK_WINDOW_MINUTES", "0")));
  }
}
