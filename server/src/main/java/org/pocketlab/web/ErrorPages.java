package org.pocketlab.web;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.pocketlab.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error responses as pages in the site's frame. A server error shows the request id so a person can
 * report it; the stack trace goes to the log only, under the same id.
 */
final class ErrorPages {
  private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);
  private final Views views;

  ErrorPages(Views views) {
    this.views = views;
  }

  void render(RoutingContext ctx) {
    Problem problem = ctx.failure() instanceof Problem p ? p : null;
    int status = problem != null ? problem.status() : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500 && problem == null) {
      log.error("request {} failed: {} {}", RequestLog.requestId(ctx), ctx.request().method(), ctx.request().path(),
          ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    try {
      String title = problem != null ? problem.title() : title(status);
      String message = problem != null ? problem.getMessage() : message(status);
      views.render(ctx, status, "error.jte", views.page(ctx, title, null, null, null),
          Map.of("status", status, "message", message));
    } catch (RuntimeException e) {
      log.error("error page for request {} failed", RequestLog.requestId(ctx), e);
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(title(status) + " (request " + RequestLog.requestId(ctx) + ")\n");
    }
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 403 -> "Not allowed";
      case 404 -> "Page not found";
      case 405 -> "Method not allowed";
      case 413 -> "Request too large";
      case 503 -> "Temporarily unavailable";
      default -> status >= 500 ? "Something went wrong" : "Request not understood";
    };
  }

  private static String message(int status) {
    return switch (status) {
      case 404 -> "There is no page at this address. The course contents are one click away.";
      case 403 -> "You do not have access to this page.";
      case 503 -> "The service is starting or briefly unavailable. Please try again in a moment.";
      default -> status >= 500
          ? "The server could not complete this request. It has been logged; if it keeps happening, "
              + "report the request id below."
          : "The server could not process this request.";
    };
  }
}
