package org.pocketlab.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What to run in a sandbox. Build with {@link #of} or {@link #shell} and the {@code with…} methods:
 *
 * <pre>{@code
 * ExecSpec.of("python", "manage.py", "check").withWorkingDir("mysite")
 * ExecSpec.shell(120, 32)                       // the terminal: bash -i on a fresh PTY
 * }</pre>
 *
 * @param command argv; {@code command.get(0)} is looked up on the sandbox's PATH
 * @param workingDir relative to the workspace ("" = the workspace itself); no {@code ..}, not absolute
 * @param env added to the sandbox's small fixed environment
 * @param pty run on a fresh pseudo-terminal of this size (stdout and stderr are the terminal), or on pipes
 * @param wallTime kill the whole process tree after this long; empty = the runtime's default, which is the
 *     sandbox setting for runs on pipes and none for PTY execs (a terminal lives as long as the learner
 *     uses it; idle culling ends it)
 * @param outputLimit stop forwarding and kill after this many bytes of output; empty = the runtime's
 *     default: the sandbox setting for runs on pipes, none for PTY execs (flow control applies there)
 */
public record ExecSpec(
    List<String> command,
    String workingDir,
    Map<String, String> env,
    Optional<PtySize> pty,
    Optional<Duration> wallTime,
    OptionalLong outputLimit) {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Columns and rows of a terminal. */
  public record PtySize(int cols, int rows) {
    public PtySize {
      if (cols < 1 || cols > 1000 || rows < 1 || rows > 1000) {
        throw new IllegalArgumentException("Terminal size must be 1..1000 columns and rows, got " + cols + "x" + rows);
      }
    }
  }

  public ExecSpec {
    if (command == null || command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("A command is needed");
    }
    command = List.copyOf(command);
    for (String arg : command) {
      if (arg.indexOf('\0') >= 0) throw new IllegalArgumentException("Command arguments cannot contain NUL");
    }
    workingDir = normaliseWorkingDir(workingDir == null ? "" : workingDir);
    env = Map.copyOf(env == null ? Map.of() : env);
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("Not an environment variable name: '" + e.getKey() + "'");
      }
      if (e.getValue().indexOf('\0') >= 0) throw new IllegalArgumentException("Environment values cannot contain NUL");
    }
    pty = pty == null ? Optional.empty() : pty;
    wallTime = wallTime == null ? Optional.empty() : wallTime;
    if (wallTime.isPresent() && (wallTime.get().isNegative() || wallTime.get().isZero())) {
      throw new IllegalArgumentException("Wall time must be positive, got " + wallTime.get());
    }
    outputLimit = outputLimit == null ? OptionalLong.empty() : outputLimit;
    if (outputLimit.isPresent() && outputLimit.getAsLong() < 1) {
      throw new IllegalArgumentException("Output limit must be positive, got " + outputLimit.getAsLong());
    }
  }

  public static ExecSpec of(String... command) {
    return of(List.of(command));
  }

  public static ExecSpec of(List<String> command) {
    return new ExecSpec(command, "", Map.of(), Optional.empty(), Optional.empty(), OptionalLong.empty());
  }

  /** An interactive bash on a fresh PTY: what the terminal attaches to. */
  public static ExecSpec shell(int cols, int rows) {
    return of("bash", "-i").withPty(cols, rows);
  }

  public ExecSpec withWorkingDir(String dir) {
    return new ExecSpec(command, dir, env, pty, wallTime, outputLimit);
  }

  public ExecSpec withEnv(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put(name, value);
    return new ExecSpec(command, workingDir, more, pty, wallTime, outputLimit);
  }

  public ExecSpec withPty(int cols, int rows) {
    return new ExecSpec(command, workingDir, env, Optional.of(new PtySize(cols, rows)), wallTime, outputLimit);
  }

  public ExecSpec withWallTime(Duration limit) {
    return new ExecSpec(command, workingDir, env, pty, Optional.of(limit), outputLimit);
  }

  public ExecSpec withOutputLimit(long bytes) {
    return new ExecSpec(command, workingDir, env, pty, wallTime, OptionalLong.of(bytes));
  }

  public boolean isPty() {
    return pty.isPresent();
  }

  private static String normaliseWorkingDir(String dir) {
    String d = dir.replaceAll("/+", "/").replaceAll("^\\./|/$", "");
    if (d.equals(".")) d = "";
    if (d.startsWith("/") || d.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("The working directory must be relative to the workspace, got '" + dir + "'");
    }
    for (String segment : d.split("/")) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException("The working directory cannot leave the workspace, got '" + dir + "'");
      }
    }
    return d;
  }
}
