package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pocketlab.testsupport.TestKeycloak;

/**
 * A learner answers a flashcard in a real headless Chromium: signs in through Keycloak's page, opens the
 * review page, shows the answer with the Space key, grades it with 3 (Good), and sees the counts on the
 * page and in the course menu change, without a page load and without a Content-Security-Policy violation.
 */
class FlashcardBrowserTest extends ChromiumTest {
  private static final String REVIEW = "/courses/django-pocket-book/review";
  @Test
  void answerAFlashcardWithTheKeyboard() {
    browser.get(server.url(REVIEW)); // not signed in: off to Keycloak, then back here
    waitFor("Keycloak's login form", ExpectedConditions.presenceOfElementLocated(By.id("username")));
    assertTrue(browser.getCurrentUrl().startsWith(TestKeycloak.get().issuer()), browser.getCurrentUrl());
    browser.findElement(By.id("username")).sendKeys("learner1");
    browser.findElement(By.id("password")).sendKeys("learner1");
    browser.findElement(By.id("kc-login")).click();
    waitFor("the review page", ExpectedConditions.textToBe(By.cssSelector("main h1"), "Review flashcards"));
    browser.manage().logs().get(LogType.BROWSER); // Keycloak's own pages are not ours to judge

    assertEquals("24", text("#count-new"));
    assertEquals("0", text("#count-due"));
    waitFor("the review link in the course menu",
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#course-nav .review-link"), "(24 new)"));
    assertEquals("Card 10 · Q1", browser.findElement(By.cssSelector(".flashcard")).getAttribute("data-flashcard"));
    assertFalse(browser.findElement(By.cssSelector(".flashcard-answer")).isDisplayed(), "the answer is hidden");
    js("window.__sameDocument = 'yes';");

    new Actions(browser).sendKeys(" ").perform();
    waitFor("the answer", ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".flashcard-answer")));
    assertTrue(text(".flashcard-answer").startsWith("Both."), text(".flashcard-answer"));

    new Actions(browser).sendKeys("3").perform();
    waitFor("the count to change", ExpectedConditions.textToBe(By.id("count-new"), "23"));
    assertEquals("1", text("#count-learning"));
    assertEquals("Card 10 · Q1: Good — back in 10 min.", text(".flashcard-last"));
    assertEquals("Card 20 · Q1", browser.findElement(By.cssSelector(".flashcard")).getAttribute("data-flashcard"),
        "the next card is up");
    assertEquals("yes", js("return window.__sameDocument;"), "boosted: the page was swapped, not reloaded");
    assertTrue(browser.getCurrentUrl().contains(REVIEW + "?after="), browser.getCurrentUrl());
    waitFor("the course menu's count to follow",
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#course-nav .review-link"), "(23 new)"));
    assertFalse(browser.findElement(By.cssSelector(".flashcard-answer")).isDisplayed(), "the next answer is hidden");
    assertNoConsoleErrors();
  }

  private static String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private static <T> void waitFor(String what, java.util.function.Function<WebDriver, T> condition) {
    try {
      new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition::apply);
    } catch (RuntimeException e) {
      throw new AssertionError("waited for " + what + " at " + browser.getCurrentUrl() + "; console: "
          + browser.manage().logs().get(LogType.BROWSER).getAll(), e);
    }
  }

}
