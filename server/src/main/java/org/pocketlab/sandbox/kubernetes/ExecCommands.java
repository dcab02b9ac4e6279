package org.pocketlab.sandbox.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pocketlab.sandbox.ExecSpec;

/**
 * The command lines sent through {@code pods/exec}. Kubernetes' exec has no working directory, no extra
 * environment, no rlimits and no way to kill what it started, so every exec goes through a small POSIX
 * {@code sh} wrapper (sent along, nothing to install in the image but sh, coreutils, util-linux and procps):
 *
 * <ul>
 *   <li>records the exec's <em>session</em> id under {@code /tmp/.pocketlab/exec/<exec id>}, so that a second
 *       exec can kill every process the first one started ({@link #kill}). Runs on pipes get a session of
 *       their own ({@code setsid -w}); a PTY exec already leads the session of its terminal, which job
 *       control needs.</li>
 *   <li>sets the working directory, the environment and the file size limit, disables core dumps, and on
 *       pipes sends stderr into stdout, so that the two arrive merged in the order they were written; on a
 *       PTY waits (up to 2 s) for the terminal size, which arrives as the first resize message;</li>
 *   <li>runs the command as its child and exits with its status (128 + n for a signal), so that killing the
 *       session's other processes leaves the wrapper to report how the command ended.</li>
 * </ul>
 */
final class ExecCommands {

  static final String RUN_DIR = "/tmp/.pocketlab/exec";

  /** Its own variables start with _pl_, so that the exec's environment (exported first) cannot clash. */
  private static final String WRAPPER = String.join("\n",
      "_pl_id=$1 _pl_dir=$2 _pl_fsize=$3 _pl_merge=$4",
      "shift 4",
      "while [ \"$#\" -gt 0 ] && [ \"$1\" != -- ]; do export \"$1\"; shift; done",
      "shift",
      "mkdir -p " + RUN_DIR,
      "read -r _ _ _ _ _ _pl_sid _ < /proc/self/stat",
      "echo \"$_pl_sid\" > " + RUN_DIR + "/\"$_pl_id\"",
      "if [ \"$_pl_merge\" = 1 ]; then exec 2>&1; fi",
      // A terminal starts at 0x0 until the server's first resize arrives (exec has no size parameter).
      "_pl_n=0",
      "while [ \"$_pl_merge\" = 0 ] && [ \"$(stty size 2>/dev/null)\" = \"0 0\" ] && [ $_pl_n -lt 40 ]; do",
      "  sleep 0.05; _pl_n=$((_pl_n+1))",
      "done",
      "ulimit -c 0",
      "prlimit --pid $$ --fsize=\"$_pl_fsize\" || exit 125",
      "cd -- \"${_pl_dir:-.}\" || exit 1",
      "\"$@\"",
      "_pl_code=$?",
      "rm -f " + RUN_DIR + "/\"$_pl_id\"",
      "exit $_pl_code");

  /**
   * Kills every process of the exec's session but its leader (the wrapper, or on a PTY the session's owner),
   * until none is left; waits up to 10 s for an exec that has not written its session id yet.
   */
  private static final String KILL = String.join("\n",
      "f=" + RUN_DIR + "/$1",
      "n=0",
      "while [ ! -s \"$f\" ]; do n=$((n+1)); [ $n -gt 100 ] && exit 0; sleep 0.1; done",
      "sid=$(cat \"$f\")",
      "n=0",
      "while [ $n -lt 200 ]; do",
      "  pids=$(pgrep -s \"$sid\" | grep -vx \"$sid\")",
      "  [ -n \"$pids\" ] || break",
      "  kill -KILL $pids 2>/dev/null",
      "  n=$((n+1)); sleep 0.05",
      "done",
      "rm -f \"$f\"");

  private ExecCommands() {}

  /** The argv for {@code spec}; {@code fileSizeBytes} caps every file a process writes. */
  static List<String> wrap(String execId, ExecSpec spec, long fileSizeBytes) {
    List<String> argv = new ArrayList<>();
    if (!spec.isPty()) argv.addAll(List.of("setsid", "-w"));
    argv.addAll(List.of("sh", "-c", WRAPPER, "pocketlab-exec", execId, spec.workingDir(),
        Long.toString(fileSizeBytes), spec.isPty() ? "0" : "1"));
    argv.add("TERM=" + (spec.isPty() ? "xterm-256color" : "dumb"));
    for (Map.Entry<String, String> e : spec.env().entrySet()) argv.add(e.getKey() + "=" + e.getValue());
    argv.add("--");
    argv.addAll(spec.command());
    return argv;
  }

  static List<String> kill(String execId) {
    return List.of("sh", "-c", KILL, "pocketlab-kill", execId);
  }
}
