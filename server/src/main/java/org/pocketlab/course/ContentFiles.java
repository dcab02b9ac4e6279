package org.pocketlab.course;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content-file format of a course (what {@link CourseWriter} writes and {@link CourseLoader}
 * reads), described for authors in {@link #README}. Kept in one place so both sides agree.
 */
final class ContentFiles {
  static final String COURSE_FILE = "course.md";
  static final String SECTION_FILE = "section.md";
  static final String README_FILE = "README.md";
  static final Pattern SECTION_DIR = Pattern.compile("^(\\d{1,4})-([a-z0-9]+(?:-[a-z0-9]+)*)$");
  static final Pattern CARD_FILE = Pattern.compile("^(\\d{1,4})-([a-z0-9]+(?:-[a-z0-9]+)*)\\.md$");
  static final Pattern FENCE_OPEN = Pattern.compile("^(`{3,})(.*)$");
  static final Pattern QUESTION = Pattern.compile("^## Q(\\d{1,4})\\.(?:\\s+(.*))?$");
  private static final Pattern BACKTICKS = Pattern.compile("`+");

  static final String README = """
      # Course content

      This directory is one course, written by `import-course` and read by the server at boot.
      Edit it with any text editor; the server refuses to start on a mistake and names the file
      and line. Running `import-course` again replaces the whole directory: once you edit these
      files by hand, make further changes here (or make them in the pocket book and re-import).

      - `course.md`: the course's front matter: `id`, `title`, `subtitle`, `tagline`.
      - One directory per section, `NN-slug` (e.g. `01-fundamentals`), numbered 1, 2, 3 … in order,
        holding `section.md` (front matter `number`, `title`) and one file per card.
      - A card file is named `number-slug.md` (e.g. `12-models-orm-essentials.md`). Card numbers run
        1, 2, 3 … through the whole course. The slug is the card's URL: keep it when you change the
        title, so links keep working; file name, `number` and `slug` must agree.

      Every file starts with front matter between two `---` lines: one `key: value` per line, the value
      is taken literally to the end of the line (no quoting; this is not YAML). A card has `number`,
      `slug`, `title` and `kind` (`lesson` or `qa`).

      After the front matter comes the card text in Markdown (raw HTML is shown as text). A code
      example is a fenced block whose info string is its language, one of: shell, python, settings
      (a Django settings.py snippet), template, dockerfile, sql, text. The fence is three or more
      backticks, longer than any run of backticks inside the code:

          ```shell
          python manage.py migrate
          ```

      In a `qa` card, each question is a heading `## Q1. The question?` (numbered 1, 2, 3 …) followed
      by its answer, which runs to the next question heading. Text before the first question is the
      card's introduction.
      """;

  private ContentFiles() {}

  static String sectionDirName(Section section) {
    String slug = Slugs.of(section.title());
    return String.format("%02d-%s", section.number(), slug.isEmpty() ? "section" : slug);
  }

  static String cardFileName(Card card) {
    return card.path() + ".md";
  }

  /** Every file of the course, by path relative to the course directory, in reading order. */
  static Map<String, String> render(Course course) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(README_FILE, README);
    files.put(COURSE_FILE, frontMatter(
        "id", course.id(), "title", course.title(), "subtitle", course.subtitle(), "tagline", course.tagline()));
    for (Section section : course.sections()) {
      String dir = sectionDirName(section) + "/";
      files.put(dir + SECTION_FILE, frontMatter("number", section.number(), "title", section.title()));
      for (Card card : section.cards()) files.put(dir + cardFileName(card), card(card));
    }
    return files;
  }

  static String card(Card card) {
    String kind = card.kind() == Card.Kind.QA ? "qa" : "lesson";
    if (!Slugs.isSlug(card.slug())) throw unwritable(card, "slug '" + card.slug() + "' is not a slug");
    StringBuilder out = new StringBuilder(frontMatter(
        "number", card.number(), "slug", card.slug(), "title", card.title(), "kind", kind));
    List<String> parts = new ArrayList<>();
    for (Block block : card.body()) {
      if (block instanceof Prose prose) parts.add(checkedProse(card, prose.markdown()));
      else parts.add(fenced(card, (Example) block));
    }
    for (QaItem item : card.qa()) parts.add(question(card, item));
    out.append(String.join("\n", parts));
    return out.toString();
  }

  /** A backtick fence longer than any backtick run in the code, so the code cannot close it. */
  static String fence(String code) {
    int longest = 0;
    Matcher run = BACKTICKS.matcher(code);
    while (run.find()) longest = Math.max(longest, run.group().length());
    return "`".repeat(Math.max(3, longest + 1));
  }

  private static String fenced(Card card, Example example) {
    if (!Example.LANGUAGES.contains(example.language())) {
      throw unwritable(card, "example " + example.index() + " has unknown language " + example.language());
    }
    if (example.code().isBlank()) throw unwritable(card, "example " + example.index() + " has no code");
    String fence = fence(example.code());
    return fence + example.language() + "\n" + example.code() + "\n" + fence + "\n";
  }

  private static String question(Card card, QaItem item) {
    if (item.question().isBlank() || item.question().contains("\n") || !item.question().equals(item.question().strip())) {
      throw unwritable(card, "question " + item.number() + " must be one trimmed line");
    }
    String answer = item.answer();
    if (answer.isBlank() || !answer.equals(answer.strip())
        || answer.lines().anyMatch(l -> QUESTION.matcher(l).matches())) {
      throw unwritable(card, "the answer to question " + item.number() + " cannot be written unambiguously");
    }
    return "## Q" + item.number() + ". " + item.question() + "\n\n" + answer + "\n";
  }

  /** Prose that the loader would read back differently (a fence, a question heading) is refused. */
  private static String checkedProse(Card card, String markdown) {
    boolean ambiguous = markdown.isBlank() || !markdown.equals(markdown.strip())
        || markdown.lines().anyMatch(l -> FENCE_OPEN.matcher(l).matches()
            || (card.kind() == Card.Kind.QA && QUESTION.matcher(l).matches()));
    if (ambiguous) throw unwritable(card, "its prose cannot be written unambiguously");
    return markdown + "\n";
  }

  private static String frontMatter(Object... keysAndValues) {
    StringBuilder out = new StringBuilder("---\n");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String value = String.valueOf(keysAndValues[i + 1]);
      if (value.isEmpty() || value.contains("\n") || !value.equals(value.strip())) {
        throw new IllegalArgumentException(
            "front matter value of '" + keysAndValues[i] + "' must be one non-empty trimmed line: " + value);
      }
      out.append(keysAndValues[i]).append(": ").append(value).append('\n');
    }
    return out.append("---\n").toString();
  }

  private static IllegalArgumentException unwritable(Card card, String why) {
    return new IllegalArgumentException("card " + card.number() + " cannot be written: " + why);
  }
}
