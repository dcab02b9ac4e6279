package org.pocketlab.runs;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes output chunks as UTF-8 without breaking characters split across chunks (the remainder waits
 * for the next chunk); invalid bytes become U+FFFD.
 */
final class Utf8Stream {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private byte[] pending = new byte[0];

  String decode(Buffer chunk) {
    byte[] bytes = chunk.getBytes();
    ByteBuffer in = ByteBuffer.allocate(pending.length + bytes.length).put(pending).put(bytes).flip();
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    decoder.decode(in, out, false);
    pending = new byte[in.remaining()];
    in.get(pending);
    return out.flip().toString();
  }

  String finish() {
    CharBuffer out = CharBuffer.allocate(pending.length + 1);
    decoder.decode(ByteBuffer.wrap(pending), out, true);
    decoder.flush(out);
    pending = new byte[0];
    return out.flip().toString();
  }
}
