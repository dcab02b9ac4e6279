package org.pocketlab.course;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a "pocket book": the plain-text course format our customers write, into a {@link Course}.
 *
 * <p>The format, line by line (blank lines separate paragraphs):
 *
 * <ul>
 *   <li>A header of three lines: title, subtitle, tagline.
 *   <li>Sections, "{@code Section 1 — Fundamentals}", numbered 1, 2, 3 … in order (an en dash or hyphen
 *       is accepted for the em dash).
 *   <li>Cards, "{@code 12) Models & ORM Essentials}", numbered 1, 2, 3 … through the whole book, each
 *       inside a section and each with some text. The card slug (its URL segment) is {@link Slugs#of}
 *       the title — lowercase ASCII words joined by '-', "Q&A" → "qa" — and must be unique.
 *   <li>A lesson card's text is prose and code examples; see {@link PocketBookBlocks} for how code is
 *       told from prose and how its language is chosen.
 *   <li>A card whose title contains "Q&A" is a question card. With a quoted question in the title
 *       ("{@code Q&A — “FBV or CBV?”}") its text is one paragraph starting "{@code Answer: }". Without
 *       one ("{@code Interview Q&A — 20 Practical Questions}") its text is numbered items
 *       "{@code 1) Question? Answer}", numbered from 1: inside such a card a numbered line is the next
 *       item when its number is the next item number, otherwise the next card's heading. The question
 *       is the text up to and including the first '?', the answer the rest; paragraphs after an item
 *       continue its answer, paragraphs before the first item are the card's introduction. The count
 *       promised by the title is not checked: what is there is imported.
 * </ul>
 *
 * <p>Anything else is refused with a {@link CourseFormatException} naming the file and line. Lines
 * lose trailing whitespace; CRLF line ends and a byte-order mark are accepted.
 */
public final class PocketBookImporter {
  private static final Pattern SECTION = Pattern.compile("^Section\\s+(\\d{1,4})\\s*[—–-]\\s*(.*)$");
  private static final Pattern NUMBERED = Pattern.compile("^(\\d{1,4})\\)(?:\\s+(.*))?$");
  private static final Pattern QUOTED_QUESTION = Pattern.compile("[“\"](.+?)[”\"]");
  private static final Pattern ANSWER = Pattern.compile("^Answer:\\s*", Pattern.CASE_INSENSITIVE);
  private static final String[] HEADER_PARTS = {"title", "subtitle", "tagline"};

  private record Line(int number, String text) {}

  /** Consecutive non-blank lines. */
  private record Paragraph(List<Line> lines) {
    Line first() {
      return lines.get(0);
    }

    List<String> texts() {
      return lines.stream().map(Line::text).toList();
    }

    Paragraph rest() {
      return new Paragraph(lines.subList(1, lines.size()));
    }
  }

  private enum QaStyle { NONE, SINGLE, LIST }

  private final String fileName;
  private final List<Line> lines;
  private final List<Section> sections = new ArrayList<>();
  private final Map<String, Integer> cardBySlug = new HashMap<>();
  private int nextCard = 1;
  private Line sectionHeading;
  private String sectionTitle;
  private List<Card> sectionCards;
  private CardDraft card;

  private PocketBookImporter(String fileName, String text) {
    this.fileName = fileName;
    String[] raw = text.replaceFirst("^\uFEFF", "").split("\r\n|\r|\n", -1);
    int count = raw.length > 1 && raw[raw.length - 1].isEmpty() ? raw.length - 1 : raw.length; // final line end
    List<Line> numbered = new ArrayList<>(count);
    for (int i = 0; i < count; i++) numbered.add(new Line(i + 1, raw[i].stripTrailing()));
    this.lines = numbered;
  }

  /** Reads {@code file} (UTF-8); errors name the file by its file name. */
  public static Course importFile(Path file, String courseId) throws IOException, CourseFormatException {
    String name = file.getFileName().toString();
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new CourseFormatException(name, 0, "not UTF-8 text");
    }
    return parse(courseId, name, text);
  }

  /** Parses pocket-book {@code text}; {@code fileName} is only used in error messages. */
  public static Course parse(String courseId, String fileName, String text) throws CourseFormatException {
    return new PocketBookImporter(fileName, text).parse(courseId);
  }

  private Course parse(String courseId) throws CourseFormatException {
    if (lines.stream().allMatch(l -> l.text().isBlank())) {
      throw error(1, "empty file: expected a title, subtitle and tagline, then 'Section 1 — …'");
    }
    int position = 0;
    String[] header = new String[3];
    for (int part = 0; part < 3; part++) {
      while (position < lines.size() && lines.get(position).text().isBlank()) position++;
      if (position == lines.size()) {
        throw error(lastTextLine(), "the file ends inside the header: expected the course " + HEADER_PARTS[part]);
      }
      Line line = lines.get(position++);
      if (isHeading(line.text())) {
        throw error(line.number(), "expected the course " + HEADER_PARTS[part]
            + " (the header is three lines: title, subtitle, tagline), found " + quote(line.text()));
      }
      header[part] = line.text().strip();
    }
    for (Paragraph paragraph : paragraphs(position)) read(paragraph);
    finishSection();
    if (sections.isEmpty()) {
      throw error(lastTextLine(), "no sections: expected 'Section 1 — Title' after the header");
    }
    return new Course(courseId, header[0], header[1], header[2], sections);
  }

  /** Splits the lines after the header into paragraphs; every heading line starts a new one. */
  private List<Paragraph> paragraphs(int from) {
    List<Paragraph> paragraphs = new ArrayList<>();
    List<Line> current = new ArrayList<>();
    for (Line line : lines.subList(from, lines.size())) {
      boolean section = SECTION.matcher(line.text()).matches();
      if (line.text().isBlank() || section || NUMBERED.matcher(line.text()).matches()) {
        if (!current.isEmpty()) paragraphs.add(new Paragraph(List.copyOf(current)));
        current.clear();
      }
      if (!line.text().isBlank()) current.add(line);
      if (section) {
        paragraphs.add(new Paragraph(List.copyOf(current)));
        current.clear();
      }
    }
    if (!current.isEmpty()) paragraphs.add(new Paragraph(List.copyOf(current)));
    return paragraphs;
  }

  private void read(Paragraph paragraph) throws CourseFormatException {
    Line first = paragraph.first();
    Matcher section = SECTION.matcher(first.text());
    if (section.matches()) {
      startSection(first, Integer.parseInt(section.group(1)), section.group(2).strip());
      return;
    }
    Matcher numbered = NUMBERED.matcher(first.text());
    if (numbered.matches()) {
      int number = Integer.parseInt(numbered.group(1));
      String rest = numbered.group(2) == null ? "" : numbered.group(2).strip();
      if (card != null && card.acceptsItem(number)) {
        card.items.add(new ArrayList<>(List.of(paragraph)));
        return;
      }
      startCard(first, number, rest);
      if (paragraph.lines().size() > 1) card.text.add(paragraph.rest());
      return;
    }
    if (sectionHeading == null) {
      throw error(first.number(), "expected 'Section " + (sections.size() + 1)
          + " — Title' after the header, found text " + quote(first.text()));
    }
    if (card == null) {
      throw error(first.number(), "expected card " + nextCard + " ('" + nextCard
          + ") Title') after the section heading, found text " + quote(first.text()));
    }
    card.add(paragraph);
  }

  private void startSection(Line heading, int number, String title) throws CourseFormatException {
    finishSection();
    int expected = sections.size() + 1;
    if (number != expected) {
      throw error(heading.number(), "expected section " + expected + ", found section " + number
          + (number < expected ? " again" : ""));
    }
    if (title.isEmpty()) throw error(heading.number(), "section " + number + " has no title");
    sectionHeading = heading;
    sectionTitle = title;
    sectionCards = new ArrayList<>();
  }

  private void finishSection() throws CourseFormatException {
    if (sectionHeading == null) return;
    finishCard();
    if (sectionCards.isEmpty()) {
      throw error(sectionHeading.number(), "section " + (sections.size() + 1) + " "
          + quote(sectionTitle) + " has no cards");
    }
    sections.add(new Section(sections.size() + 1, sectionTitle, sectionCards));
    sectionHeading = null;
  }

  private void startCard(Line heading, int number, String title) throws CourseFormatException {
    if (sectionHeading == null) {
      throw error(heading.number(), "card " + number + " comes before any section: expected 'Section "
          + (sections.size() + 1) + " — Title' first");
    }
    finishCard(); // first: a card without text is the earlier mistake
    if (number != nextCard) {
      throw error(heading.number(), "expected card " + nextCard + ", found card " + number
          + (number < nextCard ? " again" : ""));
    }
    if (title.isEmpty()) throw error(heading.number(), "card " + number + " has no title");
    String slug = Slugs.of(title);
    if (slug.isEmpty()) {
      throw error(heading.number(), "card " + number + ": the title " + quote(title)
          + " has no ASCII letters or digits to make its URL slug from");
    }
    Integer other = cardBySlug.putIfAbsent(slug, number);
    if (other != null) {
      throw error(heading.number(), "card " + number + " has the same slug '" + slug + "' as card " + other
          + ": give it a different title");
    }
    card = new CardDraft(heading, number, title, qaStyle(title));
    nextCard++;
  }

  private void finishCard() throws CourseFormatException {
    if (card == null) return;
    sectionCards.add(card.build(sections.size() + 1));
    card = null;
  }

  private static QaStyle qaStyle(String title) {
    if (!title.contains("Q&A")) return QaStyle.NONE;
    return QUOTED_QUESTION.matcher(title).find() ? QaStyle.SINGLE : QaStyle.LIST;
  }

  /** A card being read: its heading, its text paragraphs and, for a list of questions, its items. */
  private final class CardDraft {
    final Line heading;
    final int number;
    final String title;
    final QaStyle style;
    final List<Paragraph> text = new ArrayList<>();
    final List<List<Paragraph>> items = new ArrayList<>();

    CardDraft(Line heading, int number, String title, QaStyle style) {
      this.heading = heading;
      this.number = number;
      this.title = title;
      this.style = style;
    }

    boolean acceptsItem(int itemNumber) {
      return style == QaStyle.LIST && itemNumber == items.size() + 1;
    }

    void add(Paragraph paragraph) {
      if (items.isEmpty()) text.add(paragraph);
      else items.get(items.size() - 1).add(paragraph);
    }

    Card build(int sectionNumber) throws CourseFormatException {
      String slug = Slugs.of(title);
      return switch (style) {
        case NONE -> {
          if (text.isEmpty()) throw error(heading.number(), "card " + number + " " + quote(title) + " has no text");
          yield new Card(number, slug, title, sectionNumber, Card.Kind.LESSON, blocks(text), List.of());
        }
        case SINGLE -> new Card(number, slug, title, sectionNumber, Card.Kind.QA, List.of(), List.of(answered()));
        case LIST -> new Card(number, slug, title, sectionNumber, Card.Kind.QA, blocks(text), numberedItems());
      };
    }

    private QaItem answered() throws CourseFormatException {
      Matcher question = QUOTED_QUESTION.matcher(title);
      question.find();
      Line where = text.isEmpty() ? heading : text.get(0).first();
      Matcher answer = ANSWER.matcher(where.text());
      if (text.isEmpty() || !answer.lookingAt()) {
        throw error(where.number(), "Q&A card " + number + " has no answer: expected a paragraph starting 'Answer: '");
      }
      List<String> paragraphs = new ArrayList<>();
      for (Paragraph p : text) paragraphs.add(String.join("\n", p.texts()));
      String answerText = String.join("\n\n", paragraphs).substring(answer.end()).strip();
      if (answerText.isEmpty()) {
        throw error(where.number(), "Q&A card " + number + " has an empty answer after 'Answer:'");
      }
      return new QaItem(1, question.group(1).strip(), answerText);
    }

    private List<QaItem> numberedItems() throws CourseFormatException {
      if (items.isEmpty()) {
        throw error(heading.number(), "Q&A card " + number
            + " has no questions: expected numbered items '1) Question? Answer'");
      }
      List<QaItem> qa = new ArrayList<>();
      for (List<Paragraph> item : items) {
        Line first = item.get(0).first();
        int itemNumber = qa.size() + 1;
        List<String> paragraphs = new ArrayList<>();
        for (Paragraph p : item) paragraphs.add(String.join("\n", p.texts()));
        String whole = String.join("\n\n", paragraphs).replaceFirst("^\\d+\\)\\s*", "");
        int mark = whole.indexOf('?');
        if (mark < 0) {
          throw error(first.number(), "question " + itemNumber + " of card " + number
              + " has no '?': expected '" + itemNumber + ") Question? Answer'");
        }
        String answer = whole.substring(mark + 1).strip();
        if (answer.isEmpty()) {
          throw error(first.number(), "question " + itemNumber + " of card " + number + " has no answer after the '?'");
        }
        String question = whole.substring(0, mark + 1).strip().replaceAll("\\s+", " ");
        qa.add(new QaItem(itemNumber, question, answer));
      }
      return qa;
    }

    private List<Block> blocks(List<Paragraph> paragraphs) {
      return PocketBookBlocks.blocks(paragraphs.stream().map(Paragraph::texts).toList());
    }
  }

  private int lastTextLine() {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).text().isBlank()) return lines.get(i).number();
    }
    return 1;
  }

  private static boolean isHeading(String text) {
    return SECTION.matcher(text).matches() || NUMBERED.matcher(text).matches();
  }

  private static String quote(String text) {
    String t = text.strip();
    return "'" + (t.length() > 60 ? t.substring(0, 57) + "…" : t) + "'";
  }

  private CourseFormatException error(int line, String message) {
    return new CourseFormatException(fileName, line, message);
  }
}
