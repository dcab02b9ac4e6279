package org.pocketlab.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pocketlab.course.CodeLines.Kind;

/**
 * Turns the text of one lesson card (its paragraphs: runs of non-blank lines) into prose and code
 * example blocks.
 *
 * <ul>
 *   <li>The first paragraph is prose. Any later paragraph is code when its first line starts code (see
 *       {@link CodeLines}), otherwise prose.
 *   <li>Prose lines lose their indentation (Markdown would read four spaces as code); bullet lines
 *       "{@code • x}" become Markdown list items "{@code - x}". Consecutive prose paragraphs form one
 *       {@link Prose} block, separated by a blank line.
 *   <li>A code paragraph is split where the kind of line changes (shell → Python, …). Comment lines
 *       belong to the lines they introduce (the next code line), trailing comments to the line above;
 *       indented and unrecognised lines continue the line above.
 *   <li>Each piece gets a language from {@link #language}. A code paragraph that continues the
 *       previous example in the same language, without a comment header of its own, is merged into it
 *       (a blank line between Python functions does not make two examples).
 * </ul>
 */
final class PocketBookBlocks {
  private static final Pattern SETTINGS_HINT = Pattern.compile("(?i)\\bsettings\\b");
  private static final Pattern FILE_HINT =
      Pattern.compile("(?i)(?:\\.(py|html|sql|sh)\\b|\\b(dockerfile)\\b)");

  private PocketBookBlocks() {}

  /** One piece of a card before the pieces are merged and numbered. */
  private record Piece(String prose, String language, List<String> code, boolean ownParagraph) {
    static Piece prose(String markdown) {
      return new Piece(markdown, null, List.of(), true);
    }

    boolean isCode() {
      return prose == null;
    }

    boolean startsWithComment() {
      return isCode() && code.get(0).startsWith("#");
    }
  }

  static List<Block> blocks(List<List<String>> paragraphs) {
    List<Piece> pieces = new ArrayList<>();
    for (int i = 0; i < paragraphs.size(); i++) {
      List<String> lines = paragraphs.get(i);
      if (i > 0 && CodeLines.startsCode(lines.get(0))) {
        pieces.addAll(codePieces(lines));
      } else {
        pieces.add(Piece.prose(proseMarkdown(lines)));
      }
    }
    return merge(pieces);
  }

  static String proseMarkdown(List<String> lines) {
    List<String> markdown = new ArrayList<>();
    for (String line : lines) {
      Matcher bullet = CodeLines.BULLET.matcher(line);
      markdown.add(bullet.matches() ? "- " + bullet.group(1).strip() : line.strip());
    }
    return String.join("\n", markdown);
  }

  private static List<Piece> codePieces(List<String> lines) {
    Kind[] kinds = resolvedKinds(lines);
    List<Piece> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= lines.size(); i++) {
      if (i == lines.size() || kinds[i] != kinds[start]) {
        List<String> segment = List.copyOf(lines.subList(start, i));
        pieces.add(new Piece(null, language(kinds[start], segment), segment, start == 0));
        start = i;
      }
    }
    return pieces;
  }

  /** Each line's kind after continuation lines and comments have joined their neighbours. */
  private static Kind[] resolvedKinds(List<String> lines) {
    int n = lines.size();
    Kind[] kinds = new Kind[n];
    Kind lastCode = null;
    for (int i = 0; i < n; i++) {
      Kind kind = CodeLines.kindOf(lines.get(i));
      if (kind == Kind.OTHER && lastCode != null) kind = lastCode;
      if (kind != Kind.COMMENT && kind != Kind.OTHER) lastCode = kind;
      kinds[i] = kind;
    }
    Kind following = null; // comments introduce the code below them
    for (int i = n - 1; i >= 0; i--) {
      if (kinds[i] != Kind.COMMENT) following = kinds[i];
      else if (following != null) kinds[i] = following;
    }
    for (int i = 1; i < n; i++) { // trailing comments stay with the code above
      if (kinds[i] == Kind.COMMENT && kinds[i - 1] != Kind.COMMENT) kinds[i] = kinds[i - 1];
    }
    return kinds;
  }

  /**
   * The language of one code piece. Shell, template, Dockerfile and SQL lines name their language.
   * Python is "settings" when a comment says so ("# settings.py", "# DRF settings") or, when no
   * comment names another .py file, when every line assigns an UPPER_CASE setting. A piece of only
   * comments (or of unrecognised lines) takes the language of code quoted in a comment
   * ("# CREATE EXTENSION pg_trgm;" → sql), else of a file it names ("# asgi.py …" → python), else text.
   */
  static String language(Kind kind, List<String> lines) {
    List<String> comments = lines.stream()
        .filter(l -> l.startsWith("#")).map(CodeLines::commentText).toList();
    return switch (kind) {
      case SHELL -> "shell";
      case TEMPLATE -> "template";
      case DOCKERFILE -> "dockerfile";
      case SQL -> "sql";
      case PYTHON -> isSettings(lines, comments) ? "settings" : "python";
      case COMMENT, OTHER -> languageFromComments(comments);
    };
  }

  private static boolean isSettings(List<String> lines, List<String> comments) {
    if (comments.stream().anyMatch(c -> SETTINGS_HINT.matcher(c).find())) return true;
    if (comments.stream().anyMatch(c -> ".py".equalsIgnoreCase(fileHint(c)))) return false;
    List<String> statements = lines.stream()
        .filter(l -> CodeLines.kindOf(l) == Kind.PYTHON).toList();
    return !statements.isEmpty() && statements.stream().allMatch(CodeLines::isSettingAssignment);
  }

  private static String languageFromComments(List<String> comments) {
    for (String comment : comments) {
      Kind quoted = CodeLines.kindOf(comment);
      if (quoted != Kind.COMMENT && quoted != Kind.OTHER) return language(quoted, List.of(comment));
    }
    for (String comment : comments) {
      if (SETTINGS_HINT.matcher(comment).find()) return "settings";
      String hint = fileHint(comment);
      if (hint != null) {
        return switch (hint.toLowerCase(java.util.Locale.ROOT)) {
          case ".py" -> "python";
          case ".html" -> "template";
          case ".sql" -> "sql";
          case ".sh" -> "shell";
          default -> "dockerfile";
        };
      }
    }
    return "text";
  }

  /** ".py", ".html", ".sql", ".sh" or "Dockerfile" when the comment names such a file, else null. */
  private static String fileHint(String comment) {
    Matcher m = FILE_HINT.matcher(comment);
    if (!m.find()) return null;
    return m.group(1) != null ? "." + m.group(1) : m.group(2);
  }

  private static List<Block> merge(List<Piece> pieces) {
    List<Block> blocks = new ArrayList<>();
    List<String> prose = new ArrayList<>();
    String language = null;
    List<String> code = new ArrayList<>();
    for (Piece piece : pieces) {
      if (!piece.isCode()) {
        if (language != null) language = flushCode(blocks, language, code);
        prose.add(piece.prose());
        continue;
      }
      if (!prose.isEmpty()) {
        blocks.add(Markdown.prose(String.join("\n\n", prose)));
        prose.clear();
      }
      boolean continues = piece.language().equals(language) && piece.ownParagraph()
          && !piece.startsWithComment();
      if (continues) {
        code.add("");
      } else if (language != null) {
        flushCode(blocks, language, code);
      }
      language = piece.language();
      code.addAll(piece.code());
    }
    if (language != null) flushCode(blocks, language, code);
    if (!prose.isEmpty()) blocks.add(Markdown.prose(String.join("\n\n", prose)));
    return blocks;
  }

  private static String flushCode(List<Block> blocks, String language, List<String> code) {
    int index = (int) blocks.stream().filter(Example.class::isInstance).count() + 1;
    blocks.add(new Example(index, language, String.join("\n", code)));
    code.clear();
    return null;
  }
}
