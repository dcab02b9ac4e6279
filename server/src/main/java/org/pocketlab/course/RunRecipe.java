package org.pocketlab.course;

import java.util.List;

/**
 * How to run one example of a card in a learner's sandbox: the files it writes into the workspace
 * (replacing them), then a bash script run from the workspace root. {@code description} tells the learner
 * what Run will do.
 */
public record RunRecipe(int card, int example, String description, List<WorkspaceFile> files, String script) {

  public RunRecipe {
    files = List.copyOf(files);
  }

  /** A file the recipe writes, by its path relative to the workspace. */
  public record WorkspaceFile(String path, String content) {}

  public List<String> paths() {
    return files.stream().map(WorkspaceFile::path).toList();
  }
}
