package org.pocketlab.course;

import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.text.TextContentRenderer;

/**
 * The one place where card Markdown becomes HTML. Raw HTML in the text is shown as text, never passed
 * through, and link targets with unsafe schemes (javascript:, data: …) are neutralised, so course
 * content can never inject script into a page. Parser and renderers are immutable and thread-safe.
 */
final class Markdown {
  private static final Parser PARSER = Parser.builder().build();
  private static final HtmlRenderer HTML =
      HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();
  private static final TextContentRenderer TEXT = TextContentRenderer.builder().build();

  private Markdown() {}

  static Prose prose(String markdown) {
    return new Prose(markdown, HTML.render(PARSER.parse(markdown)));
  }

  /** The words a reader sees, without Markdown syntax (for search). */
  static String plainText(String markdown) {
    Node document = PARSER.parse(markdown);
    return TEXT.render(document);
  }
}
