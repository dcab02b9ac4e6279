package org.pocketlab.course;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ---} block at the top of a content file: one {@code key: value} per line, values taken
 * literally to the end of the line. Strict: every expected key exactly once, no other key.
 */
final class FrontMatter {
  private static final Pattern ENTRY = Pattern.compile("^([A-Za-z_][\\w-]*):(.*)$");
  private static final Pattern POSITIVE = Pattern.compile("[1-9]\\d{0,8}");

  private final String file;
  private final Map<String, String> values;
  private final Map<String, Integer> lineOf;
  private final int bodyStart;

  private FrontMatter(String file, Map<String, String> values, Map<String, Integer> lineOf, int bodyStart) {
    this.file = file;
    this.values = values;
    this.lineOf = lineOf;
    this.bodyStart = bodyStart;
  }

  /** Reads the front matter at the top of {@code lines}; {@code file} names the file in errors. */
  static FrontMatter read(String file, List<String> lines, List<String> keys) throws CourseFormatException {
    if (lines.isEmpty() || !lines.get(0).equals("---")) {
      throw new CourseFormatException(file, 1, "expected '---' to open the front matter");
    }
    Map<String, String> values = new HashMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      int lineNumber = i + 1;
      String line = lines.get(i);
      if (line.equals("---")) {
        for (String key : keys) {
          if (!values.containsKey(key)) {
            throw new CourseFormatException(file, lineNumber, "missing key '" + key + "' in the front matter");
          }
        }
        return new FrontMatter(file, values, lineOf, i + 1);
      }
      Matcher entry = ENTRY.matcher(line);
      if (!entry.matches()) {
        throw new CourseFormatException(file, lineNumber, "expected 'key: value' or '---', found '" + line + "'");
      }
      String key = entry.group(1);
      String value = entry.group(2).strip();
      if (!keys.contains(key)) {
        throw new CourseFormatException(file, lineNumber,
            "unknown key '" + key + "' (expected " + String.join(", ", keys) + ")");
      }
      if (values.containsKey(key)) {
        throw new CourseFormatException(file, lineNumber, "key '" + key + "' appears twice");
      }
      if (value.isEmpty()) throw new CourseFormatException(file, lineNumber, "key '" + key + "' has no value");
      values.put(key, value);
      lineOf.put(key, lineNumber);
    }
    throw new CourseFormatException(file, lines.size(), "the front matter is not closed with '---'");
  }

  String text(String key) {
    return values.get(key);
  }

  int positiveNumber(String key) throws CourseFormatException {
    String value = values.get(key);
    if (!POSITIVE.matcher(value).matches()) {
      throw new CourseFormatException(file, line(key), "'" + key + "' must be a positive whole number, found '"
          + value + "'");
    }
    return Integer.parseInt(value);
  }

  int line(String key) {
    return lineOf.get(key);
  }

  /** Index (0-based) of the first line after the closing {@code ---}. */
  int bodyStart() {
    return bodyStart;
  }

  /** 1-based line of the closing {@code ---}. */
  int closingLine() {
    return bodyStart;
  }
}
