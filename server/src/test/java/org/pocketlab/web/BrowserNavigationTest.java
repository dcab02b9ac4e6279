package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's, driven by Debian's chromedriver) reading lessons: boosted navigation
 * swaps only the lesson, the back button and the keyboard work, code is highlighted, and the page runs
 * without a single Content-Security-Policy violation.
 */
class BrowserNavigationTest extends ChromiumTest {
  private static final String COURSE = "/courses/django-pocket-book";
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
}
