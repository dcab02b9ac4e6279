package org.pocketlab.course;

/**
 * A card's exercise: the task for the learner (Markdown, rendered once) and the check that inspects their
 * own workspace. The check is a script run from the workspace root; it exits 0 when the work passes and
 * otherwise prints, as its last line, one sentence saying what is still missing.
 */
public record Exercise(int card, Prose task, Language language, String script) {

  /** What runs the check script. */
  public enum Language {
    BASH,
    /** Run by the sandbox's Python, with the course's check support files importable. */
    PYTHON
  }
}
