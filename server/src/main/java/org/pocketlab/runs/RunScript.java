package org.pocketlab.runs;

import java.util.concurrent.ThreadLocalRandom;
import org.pocketlab.course.RunRecipe;

/**
 * Turns a recipe into one bash script: write its files (quietly), then run its script with each command
 * echoed as {@code $ command}, stopping at the first failure.
 */
final class RunScript {
  private RunScript() {}

  static String of(RunRecipe recipe) {
    StringBuilder script = new StringBuilder("set -e -o pipefail\n");
    for (RunRecipe.WorkspaceFile file : recipe.files()) writeFile(script, file.path(), file.content());
    if (!recipe.files().isEmpty()) {
      script.append("echo 'wrote ").append(String.join(", ", recipe.paths()).replace("'", "")).append("'\n");
    }
    script.append("PS4='$ '\nset -x\n").append(recipe.script());
    return script.toString();
  }

  /** Appends the commands that write {@code content} to {@code path} (a shell word: quoted here). */
  static void writeFile(StringBuilder script, String path, String content) {
    String delimiter = delimiterFor(content);
    int slash = path.lastIndexOf('/');
    if (slash > 0) script.append("mkdir -p ").append(quote(path.substring(0, slash))).append('\n');
    script.append("cat > ").append(quote(path)).append(" <<'").append(delimiter).append("'\n").append(content);
    if (!content.isEmpty() && !content.endsWith("\n")) script.append('\n'); // an empty file stays empty
    script.append(delimiter).append('\n');
  }

  /** A heredoc end marker that does not occur in the content. */
  private static String delimiterFor(String content) {
    String delimiter;
    do {
      delimiter = "POCKETLAB_EOF_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    } while (content.contains(delimiter));
    return delimiter;
  }

  static String quote(String path) {
    return "'" + path.replace("'", "'\\''") + "'";
  }
}
