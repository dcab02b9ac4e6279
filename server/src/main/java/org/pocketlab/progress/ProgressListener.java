package org.pocketlab.progress;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.pocketlab.db.DbSettings;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays PostgreSQL notifications of recorded progress ({@link ProgressEvents#CHANNEL}) to this server's
 * Vert.x event bus at {@link #ADDRESS}. Every replica runs one, so an event recorded by any replica reaches
 * the dashboards open on all of them. It holds one JDBC connection outside the pool, on a thread of its own
 * (waiting for notifications blocks), and reconnects after a database outage.
 */
public final class ProgressListener implements AutoCloseable {
  /** Local event bus address; the body is {@link ProgressEvents.Change#toJson()}. */
  public static final String ADDRESS = "pocketlab.progress.changed";
  /**
   * Published (with no body) once listening again after the connection was lost: what was notified in between
   * is gone, so whatever shows progress live must read it afresh.
   */
  public static final String RESYNC_ADDRESS = "pocketlab.progress.resync";

  private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);
  private static final int POLL_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private final Vertx vertx;
  private final DbSettings db;
  private final Thread thread;
  private volatile boolean running = true;

  private ProgressListener(Vertx vertx, DbSettings db) {
    this.vertx = vertx;
    this.db = db;
    this.thread = new Thread(this::listen, "progress-listener");
    this.thread.setDaemon(true);
  }

  public static ProgressListener start(Vertx vertx, DbSettings db) {
    ProgressListener listener = new ProgressListener(vertx, db);
    listener.thread.start();
    return listener;
  }

  private void listen() {
    long backoff = 500;
    boolean listenedBefore = false;
    while (running) {
      try (Connection connection = connect()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + ProgressEvents.CHANNEL);
        }
        backoff = 500;
        if (listenedBefore) {
          log.info("progress notifications resumed; open dashboards re-read what they may have missed");
          vertx.eventBus().publish(RESYNC_ADDRESS, null);
        }
        listenedBefore = true;
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
          if (notifications == null) continue;
          for (PGNotification n : notifications) relay(n.getParameter());
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) return;
        log.warn("progress notifications interrupted, reconnecting in {} ms: {}", backoff, e.getMessage());
        sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private void relay(String payload) {
    try {
      vertx.eventBus().publish(ADDRESS, new JsonObject(payload));
    } catch (RuntimeException e) {
      log.warn("ignoring a progress notification that is not ours: {}", payload);
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", db.user());
    properties.setProperty("password", db.password());
    properties.setProperty("ApplicationName", "pocketlab-progress-listener");
    properties.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(db.jdbcUrl(), properties);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops listening; returns once the thread has let go of its connection (at most about a second). */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
