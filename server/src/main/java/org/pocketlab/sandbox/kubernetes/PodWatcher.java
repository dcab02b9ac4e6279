package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows our pods with list + watch on one thread of its own. A watch that ends normally (the server's
 * timeout) is resumed from the last resource version; one that fails, or answers 410 Gone, is replaced by a
 * fresh list (which reports pods that went away meanwhile) and a new watch. Failures back off exponentially,
 * from {@code firstBackoff} to {@code maxBackoff}, with jitter so that replicas do not reconnect in step; any
 * event received resets the backoff.
 */
final class PodWatcher {

  private static final Logger log = LoggerFactory.getLogger(PodWatcher.class);

  interface Listener {
    /** A fresh list: the whole truth now (after start, and after every reconnect). */
    void listed(List<V1Pod> pods);

    /** ADDED, MODIFIED or DELETED. */
    void changed(String type, V1Pod pod);
  }

  private final KubeApi api;
  private final String selector;
  private final Listener listener;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private final AtomicLong lists = new AtomicLong();
  private volatile boolean closed;
  private volatile Watch<V1Pod> current;
  private Thread thread;

  PodWatcher(KubeApi api, String selector, Listener listener, Duration firstBackoff, Duration maxBackoff) {
    this.api = api;
    this.selector = selector;
    this.listener = listener;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
  }

  void start() {
    thread = new Thread(this::run, "k8s-pod-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** How many times the pods were listed (1 + reconnects after failures). */
  long lists() {
    return lists.get();
  }

  void close() {
    closed = true;
    Watch<V1Pod> w = current;
    if (w != null) {
      try {
        w.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    if (thread != null) thread.interrupt();
  }

  private void run() {
    Duration backoff = firstBackoff;
    while (!closed) {
      try {
        V1PodList list = api.listPods(selector);
        lists.incrementAndGet();
        listener.listed(list.getItems());
        String version = list.getMetadata().getResourceVersion();
        while (!closed) {
          long opened = System.nanoTime();
          try (Watch<V1Pod> watch = api.watchPods(selector, version)) {
            current = watch;
            for (Watch.Response<V1Pod> event : watch) {
              if ("ERROR".equals(event.type)) {
                int code = event.status == null || event.status.getCode() == null ? 0 : event.status.getCode();
                throw new IllegalStateException(code == 410 ? "GONE" : "watch error " + code);
              }
              if (event.object == null) continue;
              version = event.object.getMetadata().getResourceVersion();
              backoff = firstBackoff;
              if (!"BOOKMARK".equals(event.type)) listener.changed(event.type, event.object);
            }
          }
          // The server ended the watch (its timeout): resume where it left off. At once again: not normal.
          if (System.nanoTime() - opened < 1_000_000_000L) throw new IllegalStateException("the watch ended at once");
        }
      } catch (Exception e) {
        if (closed) return;
        if ("GONE".equals(e.getMessage())) {
          log.debug("Pod watch expired (410): listing again");
          continue;
        }
        long sleep = backoff.toMillis() / 2 + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
        log.warn("Watching sandbox pods failed ({}); listing and watching again in {} ms", rootMessage(e), sleep);
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      } finally {
        current = null;
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
