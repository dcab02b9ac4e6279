package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pocketlab.testsupport.TestServer;

/**
 * A real headless Chromium (Debian's, driven by Debian's chromedriver) reading lessons: boosted navigation
 * swaps only the lesson, the back button and the keyboard work, code is highlighted, and the page runs
 * without a single Content-Security-Policy violation.
 */
class BrowserNavigationTest {
  private static final String COURSE = "/courses/django-pocket-book";
  private static TestServer server;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.withKeycloak();
    browser = chromium();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (server != null) server.close();
  }

  @Test
  void boostedNavigationBackButtonAndKeyboard() {
    browser.get(server.url(COURSE + "/cards/1-what-is-django"));
    assertEquals("What is Django?", heading());
    // A marker on window survives only if navigation swaps the lesson instead of loading a new page.
    js("window.__sameDocument = 'yes';");

    browser.findElement(By.cssSelector("main a[rel='next']")).click();
    waitForHeading("Why Django? Core Strengths & Tradeoffs");
    assertTrue(browser.getCurrentUrl().endsWith(COURSE + "/cards/2-why-django-core-strengths-tradeoffs"));
    assertEquals("yes", js("return window.__sameDocument;"), "hx-boost swapped the lesson in place");
    assertTrue(browser.getTitle().startsWith("2. Why Django?"), browser.getTitle());
    assertEquals("2. Why Django? Core Strengths & Tradeoffs",
        browser.findElement(By.cssSelector("#course-nav a[aria-current='page']")).getText().replaceAll("\\s+", " ")
            .replaceFirst("^2 ", "2. "));

    browser.findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
    waitForHeading("Request–Response Lifecycle: Mental Model");
    assertEquals("yes", js("return window.__sameDocument;"));

    browser.navigate().back();
    waitForHeading("Why Django? Core Strengths & Tradeoffs");
    assertTrue(browser.getCurrentUrl().endsWith("/cards/2-why-django-core-strengths-tradeoffs"));
    browser.navigate().back();
    waitForHeading("What is Django?");
    browser.navigate().forward();
    waitForHeading("Why Django? Core Strengths & Tradeoffs");

    browser.navigate().refresh();
    waitForHeading("Why Django? Core Strengths & Tradeoffs");
    assertEquals(null, js("return window.__sameDocument || null;"), "a reload is a fresh page");
    assertNoConsoleErrors();
  }

  @Test
  void codeIsHighlightedAndHasACopyButton() {
    browser.get(server.url(COURSE + "/cards/12-models-orm-essentials"));
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure.example code.hljs")));
    assertTrue(browser.findElements(By.cssSelector("figure.example code.hljs .hljs-keyword")).size() > 0);
    assertEquals("Copy", browser.findElement(By.cssSelector("figure.example .copy-button")).getText());
    assertNoConsoleErrors();
  }

  @Test
  void searchFromTheHeader() {
    browser.get(server.url(COURSE));
    var box = browser.findElement(By.id("site-search"));
    box.sendKeys("prefetch_related", Keys.ENTER);
    waitForHeading("Search the Django Pocket Book");
    assertTrue(browser.getCurrentUrl().contains("/search?q=prefetch_related"));
    List<String> results = browser.findElements(By.cssSelector(".search-results li a")).stream()
        .map(e -> e.getText()).toList();
    assertTrue(results.stream().anyMatch(t -> t.contains("select_related vs prefetch_related")), results.toString());
    assertNoConsoleErrors();
  }

  @Test
  void signInThroughKeycloaksRealLoginPage() {
    browser.get(server.url(COURSE + "/cards/5-django-vs-flask-fastapi"));
    browser.findElement(By.linkText("Sign in")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    assertTrue(browser.getCurrentUrl().startsWith(org.pocketlab.testsupport.TestKeycloak.get().issuer()),
        "the login form is Keycloak's own: " + browser.getCurrentUrl());
    browser.findElement(By.id("username")).sendKeys("learner1");
    browser.findElement(By.id("password")).sendKeys("learner1");
    browser.findElement(By.id("kc-login")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".signed-in"), "Lea Learner"));
    assertTrue(browser.getCurrentUrl().endsWith(COURSE + "/cards/5-django-vs-flask-fastapi"),
        "back on the lesson where sign-in started");

    browser.findElement(By.cssSelector("main a[rel='next']")).click(); // boosted navigation keeps the header
    waitForHeading("pip, venv, Poetry");
    browser.findElement(By.cssSelector(".sign-out button")).click();
    try {
      new WebDriverWait(browser, Duration.ofSeconds(20)).until(
          ExpectedConditions.presenceOfElementLocated(By.linkText("Sign in")));
    } catch (RuntimeException e) {
      throw new AssertionError("after sign-out: " + browser.getCurrentUrl() + "\n" + browser.getPageSource(), e);
    }
    assertEquals(0, browser.findElements(By.cssSelector(".signed-in")).size());
  }

  private static String heading() {
    return browser.findElement(By.cssSelector("main h1")).getText();
  }

  private static void waitForHeading(String text) {
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(
        ExpectedConditions.textToBe(By.cssSelector("main h1"), text));
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static void assertNoConsoleErrors() {
    assertNoConsoleErrors(browser);
  }

  /** No error in the page's console since the last look (a CSP violation is one). */
  static void assertNoConsoleErrors(WebDriver browser) {
    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .filter(e -> !e.getMessage().contains("favicon.ico"))
        .toList();
    assertTrue(errors.isEmpty(), "browser console errors: " + errors);
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
}
