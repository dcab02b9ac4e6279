package org.pocketlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void defaultsNeedNoVariables() {
    Settings s = Settings.from(Map.of());
    assertEquals(8080, s.httpPort());
    assertEquals(URI.create("http://localhost:8080"), s.publicUrl());
    assertEquals(Path.of("data").toAbsolutePath(), s.dataDir());
    assertTrue(s.dbUrl().isEmpty(), "no URL means: run a local PostgreSQL");
    assertEquals("json", s.logFormat());
    assertTrue(s.accessLog());
  }

  @Test
  void valuesAreTyped() {
    Settings s = Settings.from(Map.of(
        "POCKETLAB_HTTP_PORT", "9090",
        "POCKETLAB_PUBLIC_URL", "https://lab.example.org/",
        "POCKETLAB_DB_URL", "jdbc:postgresql://db:5432/pocketlab",
        "POCKETLAB_DB_PASSWORD", "secret",
        "POCKETLAB_ACCESS_LOG", "off"));
    assertEquals(9090, s.httpPort());
    assertEquals("https://lab.example.org", s.publicOrigin());
    assertTrue(s.publicUrlIsHttps());
    assertEquals("jdbc:postgresql://db:5432/pocketlab", s.dbUrl().orElseThrow());
    assertEquals(false, s.accessLog());
  }

  @Test
  void aBadValueIsOneLineNamingTheVariableAndWhatItAccepts() {
    assertMessage(Map.of("POCKETLAB_HTTP_PORT", "80a"),
        "POCKETLAB_HTTP_PORT: expected an integer from 0 to 65535, got '80a'");
    assertMessage(Map.of("POCKETLAB_HTTP_PORT", "70000"),
        "POCKETLAB_HTTP_PORT: expected an integer from 0 to 65535, got '70000'");
    assertMessage(Map.of("POCKETLAB_PUBLIC_URL", "lab.example.org"),
        "POCKETLAB_PUBLIC_URL: expected an absolute http:// or https:// URL without query or fragment, got 'lab.example.org'");
    assertMessage(Map.of("POCKETLAB_DB_URL", "postgres://x"),
        "POCKETLAB_DB_URL: expected a JDBC URL starting with jdbc:postgresql://, got 'postgres://x'");
    assertMessage(Map.of("POCKETLAB_DB_URL", "jdbc:postgresql://db/x"),
        "POCKETLAB_DB_PASSWORD: expected a password when POCKETLAB_DB_URL is set, got ''");
    assertMessage(Map.of("POCKETLAB_LOG_FORMAT", "xml"),
        "POCKETLAB_LOG_FORMAT: expected one of json, text, got 'xml'");
    assertMessage(Map.of("POCKETLAB_ACCESS_LOG", "maybe"),
        "POCKETLAB_ACCESS_LOG: expected true or false, got 'maybe'");
  }

  private static void assertMessage(Map<String, String> env, String message) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.from(env));
    assertEquals(message, e.getMessage());
  }
}
