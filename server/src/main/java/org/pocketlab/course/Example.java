package org.pocketlab.course;

/**
 * A code example on a card. {@code index} counts from 1 within the card; {@code language} is one of
 * {@link #LANGUAGES}.
 */
public record Example(int index, String language, String code) implements Block {

  /** shell commands, python modules, Django settings, Django templates, Dockerfiles, SQL, plain text. */
  public static final java.util.Set<String> LANGUAGES =
      java.util.Set.of("shell", "python", "settings", "template", "dockerfile", "sql", "text");
}
