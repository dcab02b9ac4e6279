package org.pocketlab.course;

/**
 * Course content that cannot be read as a course: a pocket-book text or a content file that breaks the
 * format. The message always starts with the file and, when one line is to blame, its 1-based number, in
 * the {@code file:line: message} form that editors and terminals turn into links.
 */
public final class CourseFormatException extends Exception {
  private final String file;
  private final int line;
  private final String reason;

  /** {@code line} is 1-based; 0 when the problem is the file as a whole (for example a missing file). */
  public CourseFormatException(String file, int line, String reason) {
    super(line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** The message without the {@code file:line:} prefix. */
  public String reason() {
    return reason;
  }
}
