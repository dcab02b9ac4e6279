package org.pocketlab.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's database: a connection pool on a migrated schema, and a "db" worker pool of the
 * same size that runs all JDBC work, so that no event loop ever blocks on the database.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(30);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
  /** A request waiting this long for a free connection fails instead of piling up. */
  private static final Duration CONNECTION_WAIT = Duration.ofSeconds(5);
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  static {
    // jOOQ's banner and "tip of the day" would greet every server start in the logs.
    if (System.getProperty("org.jooq.no-logo") == null) System.setProperty("org.jooq.no-logo", "true");
    if (System.getProperty("org.jooq.no-tips") == null) System.setProperty("org.jooq.no-tips", "true");
  }

  private final HikariDataSource pool;
  private final DSLContext dsl;
  private final WorkerExecutor executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Database(HikariDataSource pool, DSLContext dsl, WorkerExecutor executor) {
    this.pool = pool;
    this.dsl = dsl;
    this.executor = executor;
  }

  /**
   * Connects (waiting up to 30 s for the database to come up), migrates the schema and starts the
   * worker pool. Blocks: call it at boot, not on an event loop.
   */
  public static Database open(Vertx vertx, DbSettings settings) {
    return open(vertx, settings, CONNECT_PATIENCE);
  }

  static Database open(Vertx vertx, DbSettings settings, Duration connectPatience) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Database.open blocks (connect, migrate): call it at boot, not on an event loop");
    }
    awaitReachable(settings, connectPatience);
    HikariDataSource pool = createPool(settings);
    try {
      migrate(pool);
      DSLContext dsl = DSL.using(pool, SQLDialect.POSTGRES);
      // One thread per connection: a db thread never waits for a connection held by another.
      WorkerExecutor executor = vertx.createSharedWorkerExecutor("db", settings.poolSize());
      return new Database(pool, dsl, executor);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Runs {@code work} on a db worker thread. Unordered, so that concurrent requests from one event
   * loop run side by side instead of queueing behind each other.
   */
  public <T> Future<T> query(Function<DSLContext, T> work) {
    if (closed.get()) return Future.failedFuture(new IllegalStateException("The database is closed"));
    return executor.executeBlocking(() -> work.apply(dsl), false);
  }

  /** As {@link #query}, in one transaction: committed when {@code work} returns, rolled back when it throws. */
  public <T> Future<T> transaction(Function<DSLContext, T> work) {
    return query(dsl -> dsl.transactionResult(configuration -> work.apply(configuration.dsl())));
  }

  /** For readiness checks: succeeds when a trivial query answers within 2 s. */
  public Future<Void> ping() {
    return this.<Void>query(dsl -> {
          dsl.selectOne().queryTimeout((int) PING_TIMEOUT.toSeconds()).fetch();
          return null;
        })
        .timeout(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(new IllegalStateException("Database ping failed: " + oneLine(e), e)));
  }

  /** For blocking contexts only (boot, tests): every call on it blocks the calling thread. */
  public DSLContext dsl() {
    return dsl;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    executor.close();
    pool.close();
  }

  /** Lets the server start just before its database; fails at once on a wrong password or database name. */
  private static void awaitReachable(DbSettings settings, Duration patience) {
    try {
      DriverManager.getDriver(settings.jdbcUrl());
    } catch (SQLException e) {
      throw new IllegalStateException("No JDBC driver for " + settings.jdbcUrl());
    }
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    properties.setProperty("password", settings.password());
    properties.setProperty("connectTimeout", "5");
    long deadline = System.nanoTime() + patience.toNanos();
    for (boolean first = true; ; first = false) {
      try (Connection ignored = DriverManager.getConnection(settings.jdbcUrl(), properties)) {
        return;
      } catch (SQLException e) {
        if (!worthRetrying(e)) {
          throw new IllegalStateException(
              "Database " + settings.jdbcUrl() + " refused user " + settings.user() + ": " + oneLine(e), e);
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("Database " + settings.jdbcUrl() + " not reachable within "
              + patience.toMillis() / 1000.0 + " s: " + oneLine(e), e);
        }
        if (first) LOG.info("Waiting for the database at {}: {}", settings.jdbcUrl(), oneLine(e));
        pause();
      }
    }
  }

  /** Connection trouble and "starting up" pass; authentication and missing databases do not. */
  private static boolean worthRetrying(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.equals("57P03") || state.equals("53300");
  }

  private static HikariDataSource createPool(DbSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("db");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setConnectionTimeout(CONNECTION_WAIT.toMillis());
    config.addDataSourceProperty("ApplicationName", "pocketlab");
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Could not open a connection pool to " + settings.jdbcUrl() + ": " + oneLine(rootCause(e)), e);
    }
  }

  private static void migrate(HikariDataSource pool) {
    MigrateResult result = Flyway.configure()
        .dataSource(pool)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info("Database schema migrated to version {} ({} migrations)",
          result.targetSchemaVersion, result.migrationsExecuted);
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause;
  }

  private static String oneLine(Throwable e) {
    return String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the database", e);
    }
  }
}
