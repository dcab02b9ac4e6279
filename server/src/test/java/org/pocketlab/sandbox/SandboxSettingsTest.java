package org.pocketlab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pocketlab.config.InvalidSettingException;

class SandboxSettingsTest {

  @Test
  void defaultsNeedNoVariables() {
    SandboxSettings s = SandboxSettings.fromEnv(Map.of());
    assertEquals(SandboxSettings.defaults(), s);
    assertEquals(SandboxSettings.RuntimeKind.LOCAL, s.runtime());
    assertEquals(30, s.idleMinutes());
    assertEquals(512, s.memoryMb());
    assertEquals(128, s.maxProcesses());
    assertEquals(100, s.cpuPercent());
    assertEquals(60, s.wallSeconds());
    assertEquals(64, s.fileSizeMb());
    assertEquals(256, s.workspaceMb());
    assertEquals(1024, s.outputKb());
    assertEquals(512L * 1024 * 1024, s.memoryBytes());
    assertEquals(1024L * 1024, s.outputBytes());
  }

  @Test
  void everyVariableIsRead() {
    SandboxSettings s = SandboxSettings.fromEnv(Map.of(
        "POCKETLAB_SANDBOX_RUNTIME", "Kubernetes",
        "POCKETLAB_SANDBOX_IDLE_MINUTES", "15",
        "POCKETLAB_SANDBOX_MEMORY_MB", "1024",
        "POCKETLAB_SANDBOX_MAX_PROCESSES", "256",
        "POCKETLAB_SANDBOX_CPU_PERCENT", "50",
        "POCKETLAB_SANDBOX_WALL_SECONDS", "120",
        "POCKETLAB_SANDBOX_FILE_SIZE_MB", "32",
        "POCKETLAB_SANDBOX_WORKSPACE_MB", "512",
        "POCKETLAB_SANDBOX_OUTPUT_KB", " 2048 "));
    assertEquals(new SandboxSettings(SandboxSettings.RuntimeKind.KUBERNETES, 15, 1024, 256, 50, 120, 32, 512, 2048), s);
  }

  @Test
  void aBadValueIsOneLineNamingTheVariable() {
    assertMessage(Map.of("POCKETLAB_SANDBOX_RUNTIME", "docker"),
        "POCKETLAB_SANDBOX_RUNTIME: expected one of kubernetes, local, got 'docker'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_MEMORY_MB", "512MB"),
        "POCKETLAB_SANDBOX_MEMORY_MB: expected an integer from 64 to 65536, got '512MB'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_MEMORY_MB", "536870912"),
        "POCKETLAB_SANDBOX_MEMORY_MB: expected an integer from 64 to 65536, got '536870912'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_IDLE_MINUTES", "0"),
        "POCKETLAB_SANDBOX_IDLE_MINUTES: expected an integer from 1 to 1440, got '0'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_MAX_PROCESSES", "4"),
        "POCKETLAB_SANDBOX_MAX_PROCESSES: expected an integer from 16 to 32768, got '4'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_CPU_PERCENT", "-1"),
        "POCKETLAB_SANDBOX_CPU_PERCENT: expected an integer from 5 to 6400, got '-1'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_WALL_SECONDS", "1.5"),
        "POCKETLAB_SANDBOX_WALL_SECONDS: expected an integer from 1 to 86400, got '1.5'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_FILE_SIZE_MB", "x"),
        "POCKETLAB_SANDBOX_FILE_SIZE_MB: expected an integer from 1 to 1048576, got 'x'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_WORKSPACE_MB", "0"),
        "POCKETLAB_SANDBOX_WORKSPACE_MB: expected an integer from 1 to 1048576, got '0'");
    assertMessage(Map.of("POCKETLAB_SANDBOX_OUTPUT_KB", "99999999999"),
        "POCKETLAB_SANDBOX_OUTPUT_KB: expected an integer from 1 to 1048576, got '99999999999'");
  }

  @Test
  void theConstructorValidatesToo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SandboxSettings(SandboxSettings.RuntimeKind.LOCAL, 30, 10, 128, 100, 60, 64, 256, 1024));
    assertEquals("POCKETLAB_SANDBOX_MEMORY_MB must be from 64 to 65536, got 10", e.getMessage());
  }

  private static void assertMessage(Map<String, String> env, String message) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> SandboxSettings.fromEnv(env));
    assertEquals(message, e.getMessage());
  }
}
