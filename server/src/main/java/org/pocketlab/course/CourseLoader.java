package org.pocketlab.course;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads course directories written by {@link CourseWriter} (format: {@link ContentFiles#README}),
 * strictly: every mistake is a {@link CourseFormatException} naming the content file (as
 * {@code course-dir/section-dir/file.md}) and, where one line is to blame, the line.
 */
public final class CourseLoader {
  private static final List<String> COURSE_KEYS = List.of("id", "title", "subtitle", "tagline");
  private static final List<String> SECTION_KEYS = List.of("number", "title");
  private static final List<String> CARD_KEYS = List.of("number", "slug", "title", "kind");
  private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

  private final Path dir;
  private final String dirName;
  private final Map<String, Integer> cardBySlug = new HashMap<>();
  private int nextCard = 1;

  private CourseLoader(Path dir) {
    this.dir = dir;
    this.dirName = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
  }

  /** One course directory (the one holding course.md). */
  public static Course load(Path dir) throws IOException, CourseFormatException {
    return new CourseLoader(dir).course();
  }

  /** Every subdirectory of {@code root} that holds a course.md, sorted by course id. */
  public static List<Course> loadAll(Path root) throws IOException, CourseFormatException {
    if (!Files.isDirectory(root)) throw new IOException(root + " is not a directory");
    List<Course> courses = new ArrayList<>();
    Map<String, String> dirById = new HashMap<>();
    for (Path sub : entries(root)) {
      String name = sub.getFileName().toString();
      if (name.startsWith(".") || !Files.isRegularFile(sub.resolve(ContentFiles.COURSE_FILE))) continue;
      Course course = load(sub);
      String other = dirById.putIfAbsent(course.id(), name);
      if (other != null) {
        throw new CourseFormatException(name + "/" + ContentFiles.COURSE_FILE, 0,
            "course id '" + course.id() + "' is also the id of " + other + "/");
      }
      courses.add(course);
    }
    courses.sort(Comparator.comparing(Course::id));
    return courses;
  }

  /**
   * The courses packaged under {@code courses/} on the class path: a directory when running from
   * {@code target/classes}, a zip file system when running from the fat jar.
   */
  public static List<Course> loadBundled() throws IOException, CourseFormatException {
    return loadBundled(CourseLoader.class.getClassLoader());
  }

  static List<Course> loadBundled(ClassLoader classLoader) throws IOException, CourseFormatException {
    return BundledContent.read(classLoader, "courses", CourseLoader::loadAll);
  }

  private Course course() throws IOException, CourseFormatException {
    Path courseFile = dir.resolve(ContentFiles.COURSE_FILE);
    List<String> lines = read(courseFile);
    String file = display(courseFile);
    FrontMatter front = FrontMatter.read(file, lines, COURSE_KEYS);
    requireNoBody(file, lines, front);
    String id = front.text("id");
    if (!Slugs.isSlug(id)) {
      throw new CourseFormatException(file, front.line("id"),
          "id '" + id + "' must be lowercase letters and digits joined by single hyphens");
    }
    List<Path> sectionDirs = new ArrayList<>();
    for (Path entry : entries(dir)) {
      String name = entry.getFileName().toString();
      boolean known = name.equals(ContentFiles.COURSE_FILE) || name.equals(ContentFiles.README_FILE);
      if (name.startsWith(".") || (known && Files.isRegularFile(entry))) continue;
      if (!Files.isDirectory(entry) || !ContentFiles.SECTION_DIR.matcher(name).matches()) {
        throw new CourseFormatException(display(entry), 0, "unexpected " + (Files.isDirectory(entry) ? "directory" : "file")
            + ": a course directory holds course.md, README.md and section directories named like 01-fundamentals");
      }
      sectionDirs.add(entry);
    }
    if (sectionDirs.isEmpty()) {
      throw new CourseFormatException(file, 0, "the course has no section directories (named like 01-fundamentals)");
    }
    sectionDirs.sort(Comparator.comparingInt((Path p) -> leadingNumber(p.getFileName().toString()))
        .thenComparing(p -> p.getFileName().toString()));
    List<Section> sections = new ArrayList<>();
    for (Path sectionDir : sectionDirs) sections.add(section(sectionDir, sections.size() + 1));
    return new Course(id, front.text("title"), front.text("subtitle"), front.text("tagline"), sections);
  }

  private Section section(Path sectionDir, int expected) throws IOException, CourseFormatException {
    Path sectionFile = sectionDir.resolve(ContentFiles.SECTION_FILE);
    List<String> lines = read(sectionFile);
    String file = display(sectionFile);
    FrontMatter front = FrontMatter.read(file, lines, SECTION_KEYS);
    requireNoBody(file, lines, front);
    int number = front.positiveNumber("number");
    int named = leadingNumber(sectionDir.getFileName().toString());
    if (number != named) {
      throw new CourseFormatException(file, front.line("number"),
          "the directory name says section " + named + ", the front matter says " + number);
    }
    if (number != expected) {
      throw new CourseFormatException(file, front.line("number"), "expected section " + expected + ", found section " + number);
    }
    List<Path> cardFiles = new ArrayList<>();
    for (Path entry : entries(sectionDir)) {
      String name = entry.getFileName().toString();
      if (name.startsWith(".") || (name.equals(ContentFiles.SECTION_FILE) && Files.isRegularFile(entry))) continue;
      if (!Files.isRegularFile(entry) || !ContentFiles.CARD_FILE.matcher(name).matches()) {
        throw new CourseFormatException(display(entry), 0,
            "unexpected file: a section directory holds section.md and card files named like 12-models-orm-essentials.md");
      }
      cardFiles.add(entry);
    }
    if (cardFiles.isEmpty()) throw new CourseFormatException(file, 0, "section " + number + " has no card files");
    cardFiles.sort(Comparator.comparingInt((Path p) -> leadingNumber(p.getFileName().toString()))
        .thenComparing(p -> p.getFileName().toString()));
    List<Card> cards = new ArrayList<>();
    for (Path cardFile : cardFiles) cards.add(card(cardFile, number));
    return new Section(number, front.text("title"), cards);
  }

  private Card card(Path cardFile, int sectionNumber) throws IOException, CourseFormatException {
    List<String> lines = read(cardFile);
    String file = display(cardFile);
    FrontMatter front = FrontMatter.read(file, lines, CARD_KEYS);
    int number = front.positiveNumber("number");
    String slug = front.text("slug");
    Matcher name = ContentFiles.CARD_FILE.matcher(cardFile.getFileName().toString());
    name.matches();
    if (number != Integer.parseInt(name.group(1))) {
      throw new CourseFormatException(file, front.line("number"),
          "the file name says card " + Integer.parseInt(name.group(1)) + ", the front matter says " + number);
    }
    if (!slug.equals(name.group(2))) {
      throw new CourseFormatException(file, front.line("slug"),
          "the file name says slug '" + name.group(2) + "', the front matter says '" + slug + "'");
    }
    if (number != nextCard) {
      throw new CourseFormatException(file, front.line("number"), "expected card " + nextCard + ", found card " + number);
    }
    Integer other = cardBySlug.putIfAbsent(slug, number);
    if (other != null) {
      throw new CourseFormatException(file, front.line("slug"), "slug '" + slug + "' is already used by card " + other);
    }
    Card.Kind kind = switch (front.text("kind")) {
      case "lesson" -> Card.Kind.LESSON;
      case "qa" -> Card.Kind.QA;
      default -> throw new CourseFormatException(file, front.line("kind"),
          "kind must be 'lesson' or 'qa', found '" + front.text("kind") + "'");
    };
    CardText.Parsed text = CardText.parse(file, lines, front.bodyStart(), kind == Card.Kind.QA);
    if (kind == Card.Kind.LESSON && text.body().isEmpty()) {
      throw new CourseFormatException(file, front.closingLine(), "the card has no text after the front matter");
    }
    if (kind == Card.Kind.QA && text.qa().isEmpty()) {
      throw new CourseFormatException(file, front.closingLine(),
          "a qa card needs at least one question: a heading '## Q1. The question?' followed by its answer");
    }
    nextCard++;
    return new Card(number, slug, front.text("title"), sectionNumber, kind, text.body(), text.qa());
  }

  private static void requireNoBody(String file, List<String> lines, FrontMatter front) throws CourseFormatException {
    for (int i = front.bodyStart(); i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        throw new CourseFormatException(file, i + 1, "unexpected text after the front matter (this file holds only front matter)");
      }
    }
  }

  /** The file's lines (UTF-8, any line ends, no byte-order mark); a missing file is a format error. */
  private List<String> read(Path file) throws IOException, CourseFormatException {
    if (!Files.isRegularFile(file)) throw new CourseFormatException(display(file), 0, "missing file");
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new CourseFormatException(display(file), 0, "not UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) text = text.substring(1);
    List<String> lines = new ArrayList<>(Arrays.asList(LINE_END.split(text, -1)));
    if (lines.size() > 1 && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
    return lines;
  }

  private String display(Path path) {
    return dirName + "/" + dir.relativize(path).toString().replace('\\', '/');
  }

  private static List<Path> entries(Path directory) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      stream.forEach(entries::add);
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return entries;
  }

  private static int leadingNumber(String name) {
    return Integer.parseInt(name.substring(0, name.indexOf('-')));
  }
}
