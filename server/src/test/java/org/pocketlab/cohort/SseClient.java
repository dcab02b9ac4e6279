package org.pocketlab.cohort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server-sent events client for tests: collects the events of one stream as they arrive. */
final class SseClient implements AutoCloseable {
  record Event(String name, String data) {}

  private final HttpResponse<Stream<String>> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  private SseClient(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-test-client");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Opens the stream with the client's cookies; returns once the response headers are in. */
  static SseClient open(HttpClient client, String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET().build();
    try {
      return new SseClient(client.send(request, HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int status() {
    return response.statusCode();
  }

  String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private void read() {
    String name = "message";
    StringBuilder data = new StringBuilder();
    boolean connected = false;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (!connected) {
          connected = true;
          events.add(new Event("open", "")); // the server writes at once, after it subscribed
        }
        if (line.isEmpty()) {
          if (!data.isEmpty()) events.add(new Event(name, data.substring(0, data.length() - 1)));
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6)).append('\n');
        }
      }
    } catch (RuntimeException e) {
      // closed by the test
    }
  }

  /** The next event with this name; fails after a generous wait (a guard, not a speed assertion). */
  Event next(String eventName) {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try {
      while (System.nanoTime() < until) {
        Event e = events.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (e != null && e.name().equals(eventName)) return e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no '" + eventName + "' event within 30 s");
  }

  /** The next row event whose HTML contains {@code text}. */
  Event nextRowContaining(String text) {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < until) {
      Event e = next("row");
      if (e.data().contains(text)) return e;
    }
    throw new AssertionError("no row event containing " + text);
  }

  @Override
  public void close() {
    reader.interrupt();
    try {
      response.body().close();
    } catch (RuntimeException ignored) {
      // already closed
    }
  }
}
