package org.pocketlab.db;

import java.util.Objects;

/** Where the database is and how many connections (and db worker threads) to use. */
public record DbSettings(String jdbcUrl, String user, String password, int poolSize) {

  public DbSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1, not " + poolSize);
  }

  /** Without the password: settings end up in logs. */
  @Override
  public String toString() {
    return "DbSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=***, poolSize=" + poolSize + "]";
  }
}
