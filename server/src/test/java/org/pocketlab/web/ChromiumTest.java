package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.pocketlab.testsupport.TestServer;

/**
 * What the tests that drive pages as a person does share: a real server (with Keycloak and PostgreSQL) and a
 * real headless Chromium, Debian's, driven by Debian's chromedriver (no browser is downloaded), for the class.
 */
abstract class ChromiumTest {
  protected static TestServer server;
  protected static WebDriver browser;

  @BeforeAll
  static void startServerAndChromium() throws Exception {
    server = TestServer.withKeycloak();
    browser = chromium();
  }

  @AfterAll
  static void stopServerAndChromium() {
    if (browser != null) browser.quit();
    if (server != null) server.close();
  }

  static WebDriver chromium() throws Exception {
    File driver = new File("/usr/bin/chromedriver");
    File binary = new File("/usr/bin/chromium");
    assertTrue(driver.canExecute() && binary.canExecute(),
        "Debian's chromium and chromium-driver are required (deploy/local/install-deps --tests installs them)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,900",
        "--user-data-dir=" + Files.createTempDirectory("pocketlab-chromium"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(driver)
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  /** No error in the page's console since the last look (a CSP violation is one). */
  static void assertNoConsoleErrors() {
    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .filter(e -> !e.getMessage().contains("favicon.ico"))
        .toList();
    assertTrue(errors.isEmpty(), "browser console errors: " + errors);
  }

  static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }
}
