package org.pocketlab.course;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Recognises what one line of pocket-book text is: a comment header, a shell command, Python, a Django
 * template tag, a Dockerfile instruction, SQL, or none of these ({@link Kind#OTHER}: prose, a bullet, an
 * indented or closing-bracket continuation line). The checks run in the order of {@link #kindOf}: the
 * more distinctive shapes first, so {@code RUN pip install} is Dockerfile and not shell.
 */
final class CodeLines {

  enum Kind { COMMENT, DOCKERFILE, TEMPLATE, SQL, SHELL, PYTHON, OTHER }

  static final Pattern BULLET = Pattern.compile("^\\s*[•●▪◦‣]\\s+(.*)$");

  private static final Pattern DOCKERFILE = Pattern.compile(
      "^(?:FROM|RUN|CMD|COPY|ADD|WORKDIR|ENV|EXPOSE|ENTRYPOINT|ARG|USER|LABEL|VOLUME|HEALTHCHECK"
          + "|SHELL|STOPSIGNAL|ONBUILD)\\s+(?![-+]?=)\\S");
  private static final Pattern TEMPLATE = Pattern.compile("\\{%.*%}|^\\{\\{|^<[A-Za-z!/]");
  private static final Pattern SQL_START = Pattern.compile(
      "^(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|EXPLAIN|WITH|GRANT|REVOKE|TRUNCATE)\\s");
  private static final Pattern SQL_BODY = Pattern.compile(
      ";\\s*$|\\b(?:FROM|INTO|TABLE|SET|INDEX|EXTENSION|VIEW|WHERE|VALUES|ANALYZE|DATABASE|SCHEMA)\\b");
  /** A known command as the first word, not followed by "=" or "(" (that would be Python). */
  private static final Pattern SHELL = Pattern.compile(
      "^(?:\\$\\s+)?(?:python3?|pip3?|pip-compile|pip-sync|pipx|poetry|uv|django-admin|\\./manage\\.py"
          + "|pyenv|pytest|tox|coverage|black|ruff|mypy|isort|flake8|pre-commit|celery|gunicorn|uvicorn"
          + "|daphne|echo|source|export|cd|ls|mkdir|rm|cp|mv|cat|touch|chmod|curl|wget|git|make|sudo"
          + "|apt|apt-get|brew|docker|docker-compose|kubectl|helm|npm|npx|psql|createdb|redis-cli|sh"
          + "|bash)(?=\\s|$)(?!\\s*(?:[-+*/%|&]?=(?!=)|\\())");
  private static final List<Pattern> PYTHON = List.of(
      Pattern.compile("^(?:from\\s+\\.*[\\w.]*\\s+import\\s|import\\s+\\w)"),
      Pattern.compile("^(?:async\\s+)?(?:def|class)\\s+\\w"),
      Pattern.compile("^@[A-Za-z_][\\w.]*"),
      Pattern.compile("^(?:async|await|return|raise|yield|pass|if|elif|else|for|while|with|try|except"
          + "|finally|assert|del|global|nonlocal)\\b(?!\\s*=)"),
      Pattern.compile("^\\.\\.\\.$"),
      Pattern.compile("^[A-Za-z_][\\w.]*(?:\\[[^\\]]*])*(?:\\s*,\\s*[A-Za-z_][\\w.]*)*\\s*"
          + "(?:[-+*/%|&^@]|//|\\*\\*|<<|>>)?=(?!=)"),
      Pattern.compile("^[A-Za-z_]\\w*(?:\\.\\w+)*\\("));
  /** A Django setting: an UPPER_CASE name (maybe subscripted) assigned or extended. */
  private static final Pattern SETTING_ASSIGNMENT =
      Pattern.compile("^[A-Z][A-Z0-9_]*(?:\\[[^\\]]*])*\\s*[-+|]?=(?!=)");
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?…]$");
  private static final Pattern CALL = Pattern.compile("\\w\\(");

  private CodeLines() {}

  static Kind kindOf(String line) {
    if (line.isBlank() || BULLET.matcher(line).matches()) return Kind.OTHER;
    if (line.startsWith("#")) return Kind.COMMENT;
    if (Character.isWhitespace(line.charAt(0))) return Kind.OTHER; // continuation of the line above
    if (DOCKERFILE.matcher(line).find()) return Kind.DOCKERFILE;
    if (TEMPLATE.matcher(line).find()) return Kind.TEMPLATE;
    if (SQL_START.matcher(line).find() && SQL_BODY.matcher(line).find()) return Kind.SQL;
    if (SHELL.matcher(line).find()) return Kind.SHELL;
    if (isSentence(line)) return Kind.OTHER;
    for (Pattern python : PYTHON) {
      if (python.matcher(line).find()) return Kind.PYTHON;
    }
    return Kind.OTHER;
  }

  /** True for a line that starts a code block: a comment header or a recognisable line of code. */
  static boolean startsCode(String line) {
    return kindOf(line) != Kind.OTHER;
  }

  static boolean isSettingAssignment(String line) {
    return SETTING_ASSIGNMENT.matcher(line).find();
  }

  /** Comment text without the leading {@code #}s and spaces. */
  static String commentText(String line) {
    return line.replaceFirst("^#+\\s*", "");
  }

  /** "Prose is sentences": capitalised, several words, final punctuation, no code punctuation. */
  private static boolean isSentence(String line) {
    return Character.isUpperCase(line.codePointAt(0))
        && SENTENCE_END.matcher(line).find()
        && line.chars().filter(c -> c == ' ').count() >= 3
        && line.indexOf('=') < 0
        && !CALL.matcher(line).find();
  }
}
