package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pocketlab.testsupport.Browser;

/**
 * The exercise's Check button in a real headless Chromium: offered only to a signed-in learner, it posts
 * through HTMX (with the page's CSRF token) and the verdict from their real sandbox appears under it.
 */
class CheckBrowserTest extends ChromiumTest {
  private static final String CARD_9 = "/courses/django-pocket-book/cards/9-pyenv-multi-version-dev";
  @Test
  void aLearnerChecksTheirWorkFromTheLesson() {
    browser.get(server.url(CARD_9));
    WebElement button = browser.findElement(By.cssSelector("#exercise .check-button"));
    assertFalse(button.isDisplayed(), "no Check for a reader who is not signed in");
    assertTrue(browser.findElement(By.cssSelector("#exercise .exercise-signin")).isDisplayed());

    // Signed in (the session of a sign-in through Keycloak, handed to Chromium).
    Browser learner = new Browser(server);
    learner.signIn("learner1", "learner1", "/");
    browser.manage().addCookie(new Cookie("pocketlab_session", learner.sessionCookie().orElseThrow()));
    browser.get(server.url(CARD_9));
    button = browser.findElement(By.cssSelector("#exercise .check-button"));
    assertTrue(button.isDisplayed(), "Check is offered to a signed-in learner");
    assertFalse(browser.findElement(By.cssSelector("#exercise .exercise-signin")).isDisplayed());

    button.click();
    By outcome = By.cssSelector("#check-result .check-outcome");
    new WebDriverWait(browser, Duration.ofSeconds(90)).until(ExpectedConditions.presenceOfElementLocated(outcome));
    WebElement verdict = browser.findElement(outcome);
    assertEquals("fail", verdict.getDomAttribute("data-result"));
    assertEquals("Not yet. There is no .python-version in your workspace.",
        verdict.findElement(By.cssSelector(".check-verdict")).getText());
    assertTrue(button.isEnabled(), "the button is back once the check is over");
    assertNoConsoleErrors();
  }
}
