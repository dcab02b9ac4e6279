package org.pocketlab.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Typed reads of environment variables; every bad value becomes an {@link InvalidSettingException}. */
final class Env {
  private final Map<String, String> vars;

  Env(Map<String, String> vars) {
    this.vars = vars;
  }

  Optional<String> optional(String name) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return fallback;
    String accepts = "an integer from " + min + " to " + max;
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) throw new InvalidSettingException(name, accepts, raw.get());
      return value;
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(name, accepts, raw.get());
    }
  }

  boolean bool(String name, boolean fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return fallback;
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new InvalidSettingException(name, "true or false", raw.get());
    };
  }

  String oneOf(String name, String fallback, Set<String> allowed) {
    String value = string(name, fallback).toLowerCase(Locale.ROOT);
    if (!allowed.contains(value)) {
      throw new InvalidSettingException(name, "one of " + String.join(", ", allowed.stream().sorted().toList()), value);
    }
    return value;
  }

  Path path(String name, String fallback) {
    String raw = string(name, fallback);
    try {
      return Path.of(raw).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      throw new InvalidSettingException(name, "a file system path", raw);
    }
  }

  /** An absolute http(s) URL without query or fragment; a trailing slash is dropped. */
  Optional<URI> httpUrl(String name) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) return Optional.empty();
    String accepts = "an absolute http:// or https:// URL without query or fragment";
    try {
      URI uri = new URI(raw.get().replaceAll("/+$", ""));
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!http || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
        throw new InvalidSettingException(name, accepts, raw.get());
      }
      return Optional.of(uri);
    } catch (java.net.URISyntaxException e) {
      throw new InvalidSettingException(name, accepts, raw.get());
    }
  }

  Optional<String> jdbcPostgresUrl(String name) {
    Optional<String> raw = optional(name);
    if (raw.isPresent() && !raw.get().startsWith("jdbc:postgresql://")) {
      throw new InvalidSettingException(name, "a JDBC URL starting with jdbc:postgresql://", raw.get());
    }
    return raw;
  }
}
