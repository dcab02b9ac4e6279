package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pocketlab.testsupport.TestKeycloak;

/**
 * The terminal and the Run button in a real headless Chromium, against the real server, Keycloak and a real
 * sandbox: a learner signs in, opens the terminal panel and types into their shell, runs an example and
 * watches its output stream in, then moves to the next card with the keyboard and finds the same terminal
 * (same page, same WebSocket) still showing what they typed. No Content-Security-Policy violation on the
 * way: xterm.js's runtime styles carry the page's nonce.
 */
class TerminalBrowserTest extends ChromiumTest {
  private static final String COURSE = "/courses/django-pocket-book";
  private static final String CARD_1 = COURSE + "/cards/1-what-is-django";
  private static final Duration SANDBOX_START = Duration.ofSeconds(90);
  private static final String ROWS =
      "return [...document.querySelectorAll('#terminal-panel .xterm-rows > div')]"
          + ".map(r => r.textContent.replace(/\\u00a0/g, ' ').trim());";
  @Test
  void terminalAndRunOnALesson() {
    // A reader who is not signed in gets neither a terminal nor Run buttons.
    browser.get(server.url(CARD_1));
    waitFor(Duration.ofSeconds(10), "the lesson", ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
    assertEquals(0, browser.findElements(By.cssSelector("#terminal-panel, #terminal-toggle")).size(),
        "no terminal without signing in");
    assertEquals(0, browser.findElements(By.cssSelector("figure.example .run-button")).size());

    signInAsLearner();
    drainConsole(); // Keycloak's own pages are not ours to judge
    // Count the WebSockets the page opens (terminal.js creates its first one when the panel opens).
    js("window.__sameDocument = 'yes'; window.__terminalSockets = 0; const Native = window.WebSocket;"
        + "window.WebSocket = class extends Native { constructor(u, p) { super(u, p); window.__terminalSockets++; } };");

    // terminal.js adds its toggle to the header once the page has loaded (the lesson has data-terminal-url).
    waitFor(Duration.ofSeconds(10), "the terminal toggle",
        ExpectedConditions.presenceOfElementLocated(By.cssSelector(".site-header #terminal-toggle")));
    WebElement toggle = browser.findElement(By.id("terminal-toggle"));
    assertFalse(browser.findElement(By.id("terminal-panel")).isDisplayed(), "closed at first");
    assertEquals("false", toggle.getAttribute("aria-expanded"));
    toggle.click();
    assertEquals("true", toggle.getAttribute("aria-expanded"));
    waitFor(SANDBOX_START, "the terminal to connect", d -> "ready".equals(panelState()));

    browser.findElement(By.cssSelector("#terminal-panel .xterm-screen")).click();
    assertTrue((Boolean) js("return document.activeElement.closest('.terminal') !== null;"), "the terminal has focus");
    new Actions(browser).sendKeys("echo $((6*7))" + Keys.ENTER).perform();
    waitFor(Duration.ofSeconds(20), "42 in the terminal: " + rows(), d -> rows().contains("42"));

    WebElement run = browser.findElement(By.cssSelector("figure#example-1 .run-button"));
    assertEquals("Run", run.getText());
    // As a learner would: scroll the example into the part of the page the open terminal leaves visible.
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", run);
    run.click();
    By status = By.cssSelector("figure#example-1 .run-status");
    waitFor(Duration.ofSeconds(60), "the run to finish", d -> {
      List<WebElement> found = d.findElements(status);
      return !found.isEmpty() && !found.get(0).getText().startsWith("Running");
    });
    String output = browser.findElement(By.cssSelector("figure#example-1 .run-output-text")).getText();
    String exit = browser.findElement(status).getText();
    assertTrue(exit.matches("✓ exit 0 in \\d+\\.\\d\\d s.*"), "exit line: " + exit + "\noutput:\n" + output);
    assertTrue(output.contains("Python 3"), output);
    assertTrue(output.contains("3.2"), "the sandbox's Django version: " + output);
    assertEquals("Run", run.getText(), "the button is Run again once the run is over");

    // → with focus on the lesson (not in the terminal) goes to the next card; the terminal stays.
    js("window.scrollTo(0, 0);"); // the heading clear of the sticky header
    browser.findElement(By.cssSelector("main h1")).click();
    assertFalse((Boolean) js("return document.activeElement.closest('.terminal') !== null;"));
    browser.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
    waitFor(Duration.ofSeconds(10), "card 2",
        ExpectedConditions.textToBe(By.cssSelector("main h1"), "Why Django? Core Strengths & Tradeoffs"));
    assertEquals("yes", js("return window.__sameDocument;"), "boosted navigation, not a page load");
    assertEquals(1, browser.findElements(By.id("terminal-panel")).size());
    assertEquals("true", browser.findElement(By.id("terminal-toggle")).getAttribute("aria-expanded"));
    assertTrue(rows().contains("42"), "the terminal still shows the earlier output: " + rows());
    assertEquals("ready", panelState());
    assertEquals(1L, js("return window.__terminalSockets;"), "one WebSocket for both cards");

    // Reset my sandbox: asks first, then the workspace is the starter project again and a new shell comes.
    browser.findElement(By.cssSelector("#terminal-panel .terminal-reset")).click();
    browser.switchTo().alert().dismiss();
    assertEquals("ready", panelState(), "dismissing the question changes nothing");
    browser.findElement(By.cssSelector("#terminal-panel .terminal-reset")).click();
    browser.switchTo().alert().accept();
    waitFor(SANDBOX_START, "a fresh shell after the reset", d -> "ready".equals(panelState())
        && String.valueOf(js("return document.querySelector('#terminal-panel .terminal-state').textContent;"))
            .contains("reset"));
    assertNoConsoleErrors();
  }

  private static void signInAsLearner() {
    browser.findElement(By.linkText("Sign in")).click();
    waitFor(Duration.ofSeconds(20), "Keycloak's login form", ExpectedConditions.presenceOfElementLocated(By.id("username")));
    assertTrue(browser.getCurrentUrl().startsWith(TestKeycloak.get().issuer()), browser.getCurrentUrl());
    browser.findElement(By.id("username")).sendKeys("learner1");
    browser.findElement(By.id("password")).sendKeys("learner1");
    browser.findElement(By.id("kc-login")).click();
    waitFor(Duration.ofSeconds(20), "signed in",
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".signed-in"), "Lea Learner"));
    assertTrue(browser.getCurrentUrl().endsWith(CARD_1), "back on the lesson: " + browser.getCurrentUrl());
  }

  @SuppressWarnings("unchecked")
  private static List<String> rows() {
    return (List<String>) js(ROWS);
  }

  private static String panelState() {
    return (String) js("const p = document.getElementById('terminal-panel'); return p ? p.dataset.state : 'no panel';");
  }

  private static <T> void waitFor(Duration timeout, String what, java.util.function.Function<WebDriver, T> condition) {
    try {
      new WebDriverWait(browser, timeout).until(condition::apply);
    } catch (RuntimeException e) {
      String state = browser.findElements(By.id("terminal-panel")).isEmpty()
          ? "no terminal (the lesson's data-terminal-url: "
              + js("const a = document.querySelector('article.lesson'); return a && a.getAttribute('data-terminal-url');")
              + ", at " + browser.getCurrentUrl() + ")"
          : "terminal: " + js("return document.querySelector('#terminal-panel .terminal-state').textContent;");
      throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; " + state
          + "; console: " + browser.manage().logs().get(LogType.BROWSER).getAll(), e);
    }
  }


  private static void drainConsole() {
    browser.manage().logs().get(LogType.BROWSER);
  }

}
