package org.pocketlab.web;

import gg.jte.Content;
import gg.jte.TemplateOutput;

/** HTML rendered once and kept as UTF-8, so writing it into a page costs a copy, not an encoding. */
public record RenderedHtml(byte[] utf8) implements Content {
  @Override
  public void writeTo(TemplateOutput output) {
    output.writeBinaryContent(utf8);
  }
}
