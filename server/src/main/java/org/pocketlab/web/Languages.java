package org.pocketlab.web;

/** How each example language is labelled for people and named for the syntax highlighter. */
public final class Languages {
  private Languages() {}

  public static String label(String language) {
    return switch (language) {
      case "shell" -> "Shell";
      case "python" -> "Python";
      case "settings" -> "settings.py";
      case "template" -> "Django template";
      case "dockerfile" -> "Dockerfile";
      case "sql" -> "SQL";
      default -> "Text";
    };
  }

  public static String highlighter(String language) {
    return switch (language) {
      case "shell" -> "bash";
      case "python", "settings" -> "python";
      case "template" -> "django";
      case "dockerfile" -> "dockerfile";
      case "sql" -> "sql";
      default -> "plaintext";
    };
  }
}
