package org.pocketlab.runs;

import java.util.Map;
import java.util.TreeMap;
import org.pocketlab.course.Exercise;

/**
 * Turns an exercise's check into one bash script run from the workspace root: the check and the course's
 * support files go into a fresh temporary directory (on {@code PYTHONPATH}, so a Python check can import the
 * helpers), never into the learner's files; the script's exit status is the check's.
 */
final class CheckScript {
  static final String CHECK_PY = "check.py";
  static final String CHECK_SH = "check.sh";

  private CheckScript() {}

  static String of(Exercise exercise, Map<String, String> support) {
    StringBuilder script = new StringBuilder("set -e -o pipefail\n")
        .append("check_dir=$(mktemp -d \"${TMPDIR:-/tmp}/pocketlab-check.XXXXXX\")\n")
        .append("trap 'rm -rf \"$check_dir\"' EXIT\n")
        .append("(\ncd \"$check_dir\"\n");
    for (Map.Entry<String, String> file : new TreeMap<>(support).entrySet()) {
      RunScript.writeFile(script, file.getKey(), file.getValue());
    }
    boolean python = exercise.language() == Exercise.Language.PYTHON;
    RunScript.writeFile(script, python ? CHECK_PY : CHECK_SH, exercise.script());
    script.append(")\n")
        .append("export PYTHONPATH=\"$check_dir${PYTHONPATH:+:$PYTHONPATH}\"\n")
        .append(python ? "python \"$check_dir/" + CHECK_PY + "\"\n" : "bash \"$check_dir/" + CHECK_SH + "\"\n");
    return script.toString();
  }
}
