package org.pocketlab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecSpecTest {

  @Test
  void buildersKeepEverything() {
    ExecSpec spec = ExecSpec.of("python", "manage.py", "check")
        .withWorkingDir("./mysite/")
        .withEnv("DEBUG", "1")
        .withWallTime(Duration.ofSeconds(5))
        .withOutputLimit(1000);
    assertEquals(List.of("python", "manage.py", "check"), spec.command());
    assertEquals("mysite", spec.workingDir());
    assertEquals(Map.of("DEBUG", "1"), spec.env());
    assertEquals(Duration.ofSeconds(5), spec.wallTime().orElseThrow());
    assertEquals(1000, spec.outputLimit().getAsLong());
    assertFalse(spec.isPty());
    ExecSpec shell = ExecSpec.shell(120, 40);
    assertTrue(shell.isPty());
    assertEquals(List.of("bash", "-i"), shell.command());
    assertEquals(new ExecSpec.PtySize(120, 40), shell.pty().orElseThrow());
    assertEquals("", ExecSpec.of("ls").withWorkingDir(".").workingDir());
  }

  @Test
  void badSpecsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of());
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of(""));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("echo", "a\0b"));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withWorkingDir("/etc"));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withWorkingDir("a/../../b"));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withWorkingDir(".."));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withEnv("BAD-NAME", "x"));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withEnv("1X", "x"));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withWallTime(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("ls").withOutputLimit(0));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.shell(0, 24));
    assertThrows(IllegalArgumentException.class, () -> ExecSpec.shell(80, 1001));
  }
}
