package org.pocketlab.sandbox;

import java.util.Locale;
import java.util.Map;
import org.pocketlab.config.InvalidSettingException;

/**
 * How sandboxes run and what each may use. Read from the environment with {@link #fromEnv(Map)}; every
 * variable is optional:
 *
 * <table>
 *   <caption>Sandbox settings</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_RUNTIME}</td><td>local</td><td>{@code local} (bubblewrap on this
 *       machine) or {@code kubernetes} (one pod per sandbox)</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_IDLE_MINUTES}</td><td>30</td><td>stop a sandbox after this long without
 *       terminal input or runs (files stay; it starts again on next use)</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_MEMORY_MB}</td><td>512</td><td>memory of all its processes together</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_MAX_PROCESSES}</td><td>128</td><td>processes and threads together (stops
 *       fork bombs)</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_CPU_PERCENT}</td><td>100</td><td>CPU share; 100 = one core</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_WALL_SECONDS}</td><td>60</td><td>a run (not the terminal) is killed after
 *       this long</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_FILE_SIZE_MB}</td><td>64</td><td>largest file a process may write</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_WORKSPACE_MB}</td><td>256</td><td>workspace size; over it, new runs are
 *       refused until files are deleted</td></tr>
 *   <tr><td>{@code POCKETLAB_SANDBOX_OUTPUT_KB}</td><td>1024</td><td>output of one run; more is cut and the
 *       run killed (not the terminal)</td></tr>
 * </table>
 */
public record SandboxSettings(
    RuntimeKind runtime,
    int idleMinutes,
    int memoryMb,
    int maxProcesses,
    int cpuPercent,
    int wallSeconds,
    int fileSizeMb,
    int workspaceMb,
    int outputKb) {

  public enum RuntimeKind {
    LOCAL,
    KUBERNETES;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  // Ranges: wide enough for any class, narrow enough to catch typos (a memory limit in bytes, say).
  static final Range IDLE_MINUTES = new Range("POCKETLAB_SANDBOX_IDLE_MINUTES", 1, 24 * 60);
  static final Range MEMORY_MB = new Range("POCKETLAB_SANDBOX_MEMORY_MB", 64, 64 * 1024);
  static final Range MAX_PROCESSES = new Range("POCKETLAB_SANDBOX_MAX_PROCESSES", 16, 32768);
  static final Range CPU_PERCENT = new Range("POCKETLAB_SANDBOX_CPU_PERCENT", 5, 6400);
  static final Range WALL_SECONDS = new Range("POCKETLAB_SANDBOX_WALL_SECONDS", 1, 24 * 3600);
  static final Range FILE_SIZE_MB = new Range("POCKETLAB_SANDBOX_FILE_SIZE_MB", 1, 1024 * 1024);
  static final Range WORKSPACE_MB = new Range("POCKETLAB_SANDBOX_WORKSPACE_MB", 1, 1024 * 1024);
  static final Range OUTPUT_KB = new Range("POCKETLAB_SANDBOX_OUTPUT_KB", 1, 1024 * 1024);

  record Range(String variable, int min, int max) {
    int check(int value) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(variable + " must be from " + min + " to " + max + ", got " + value);
      }
      return value;
    }

    int read(Map<String, String> env, int fallback) {
      String raw = env.get(variable);
      if (raw == null || raw.isBlank()) return fallback;
      String accepts = "an integer from " + min + " to " + max;
      try {
        int value = Integer.parseInt(raw.trim());
        if (value < min || value > max) throw new InvalidSettingException(variable, accepts, raw.trim());
        return value;
      } catch (NumberFormatException e) {
        throw new InvalidSettingException(variable, accepts, raw.trim());
      }
    }
  }

  public SandboxSettings {
    if (runtime == null) throw new IllegalArgumentException("A sandbox runtime kind is needed");
    IDLE_MINUTES.check(idleMinutes);
    MEMORY_MB.check(memoryMb);
    MAX_PROCESSES.check(maxProcesses);
    CPU_PERCENT.check(cpuPercent);
    WALL_SECONDS.check(wallSeconds);
    FILE_SIZE_MB.check(fileSizeMb);
    WORKSPACE_MB.check(workspaceMb);
    OUTPUT_KB.check(outputKb);
  }

  public static SandboxSettings defaults() {
    return new SandboxSettings(RuntimeKind.LOCAL, 30, 512, 128, 100, 60, 64, 256, 1024);
  }

  /** Reads the {@code POCKETLAB_SANDBOX_*} variables; a bad value throws naming the variable. */
  public static SandboxSettings fromEnv(Map<String, String> env) {
    SandboxSettings d = defaults();
    String kind = env.getOrDefault("POCKETLAB_SANDBOX_RUNTIME", "");
    RuntimeKind runtime = switch (kind.trim().toLowerCase(Locale.ROOT)) {
      case "", "local" -> RuntimeKind.LOCAL;
      case "kubernetes" -> RuntimeKind.KUBERNETES;
      default -> throw new InvalidSettingException("POCKETLAB_SANDBOX_RUNTIME", "one of kubernetes, local", kind.trim());
    };
    return new SandboxSettings(
        runtime,
        IDLE_MINUTES.read(env, d.idleMinutes),
        MEMORY_MB.read(env, d.memoryMb),
        MAX_PROCESSES.read(env, d.maxProcesses),
        CPU_PERCENT.read(env, d.cpuPercent),
        WALL_SECONDS.read(env, d.wallSeconds),
        FILE_SIZE_MB.read(env, d.fileSizeMb),
        WORKSPACE_MB.read(env, d.workspaceMb),
        OUTPUT_KB.read(env, d.outputKb));
  }

  public long memoryBytes() {
    return memoryMb * 1024L * 1024L;
  }

  public long fileSizeBytes() {
    return fileSizeMb * 1024L * 1024L;
  }

  public long workspaceBytes() {
    return workspaceMb * 1024L * 1024L;
  }

  public long outputBytes() {
    return outputKb * 1024L;
  }
}
