package org.pocketlab.web;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} when it looks sane, otherwise a new one),
 * echoes it in the response, and writes one structured access-log line when the response ends.
 */
final class RequestLog implements Handler<RoutingContext> {
  static final String REQUEST_ID = "requestId";
  private static final Logger log = LoggerFactory.getLogger("pocketlab.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");

  private final boolean enabled;

  RequestLog(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String offered = ctx.request().getHeader("X-Request-Id");
    String id = offered != null && SANE_ID.matcher(offered).matches() ? offered : newId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("X-Request-Id", id);
    if (enabled) {
      long began = System.nanoTime();
      ctx.addEndHandler(done -> log.info("{} {} {}",
          kv("method", ctx.request().method().name()),
          kv("path", ctx.request().path()),
          kv("status", ctx.response().getStatusCode()),
          kv("duration_ms", (System.nanoTime() - began) / 1_000_000.0),
          kv("request_id", id)));
    }
    ctx.next();
  }

  static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    return id == null ? "-" : id;
  }

  private static String newId() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
