package org.pocketlab.terminal;

import io.vertx.core.buffer.Buffer;

/**
 * The last {@code capacity} bytes a terminal printed, so a reload or a second tab can repaint the screen.
 * Fixed size: a flood costs this much memory and no more. Not thread-safe: used on its shell's context.
 */
final class Scrollback {
  private final byte[] ring;
  private long written;

  Scrollback(int capacity) {
    this.ring = new byte[capacity];
  }

  void append(Buffer data) {
    byte[] bytes = data.getBytes();
    int from = Math.max(0, bytes.length - ring.length); // only the tail of a huge chunk can survive anyway
    for (int i = from; i < bytes.length; ) {
      int at = (int) ((written + i - from) % ring.length);
      int n = Math.min(bytes.length - i, ring.length - at);
      System.arraycopy(bytes, i, ring, at, n);
      i += n;
    }
    written += bytes.length - from;
  }

  Buffer snapshot() {
    int size = (int) Math.min(written, ring.length);
    int start = (int) ((written - size) % ring.length);
    Buffer out = Buffer.buffer(size);
    int first = Math.min(size, ring.length - start);
    out.appendBytes(ring, start, first);
    out.appendBytes(ring, 0, size - first);
    return out;
  }
}
