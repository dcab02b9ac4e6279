package org.pocketlab.web;

import gg.jte.TemplateOutput;
import io.vertx.core.buffer.Buffer;

/** Template output written straight into the response buffer (no intermediate byte array). */
final class BufferOutput implements TemplateOutput {
  private final Buffer buffer = Buffer.buffer(16 * 1024);

  @Override
  public void writeContent(String value) {
    buffer.appendString(value);
  }

  @Override
  public void writeContent(String value, int beginIndex, int endIndex) {
    buffer.appendString(value.substring(beginIndex, endIndex));
  }

  @Override
  public void writeBinaryContent(byte[] value) {
    buffer.appendBytes(value);
  }

  Buffer buffer() {
    return buffer;
  }
}
