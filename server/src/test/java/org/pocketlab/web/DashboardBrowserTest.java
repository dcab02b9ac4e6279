package org.pocketlab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pocketlab.db.schema.Tables.APP_USER;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pocketlab.progress.EventKind;
import org.pocketlab.progress.ProgressEvent;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TestKeycloak;

/**
 * The instructor's dashboard in a real headless Chromium: creating a cohort through the form, and a
 * learner's progress turning up in their row of the open dashboard without a reload (server-sent events
 * and app.js), with no Content-Security-Policy violation on the way.
 */
class DashboardBrowserTest extends ChromiumTest {
  @Test
  void aLearnersProgressAppearsOnTheOpenDashboard() throws Exception {
    browser.get(server.url("/cohorts"));
    waitFor(Duration.ofSeconds(20), "Keycloak's login form", ExpectedConditions.presenceOfElementLocated(By.id("username")));
    browser.findElement(By.id("username")).sendKeys("instructor1");
    browser.findElement(By.id("password")).sendKeys("instructor1");
    browser.findElement(By.id("kc-login")).click();
    waitFor(Duration.ofSeconds(20), "the cohorts page", ExpectedConditions.presenceOfElementLocated(By.id("cohort-name")));
    browser.manage().logs().get(LogType.BROWSER); // Keycloak's pages are not ours to judge

    browser.findElement(By.id("cohort-name")).sendKeys("Browser cohort");
    browser.findElement(By.cssSelector("form[action='/cohorts'] button[type=submit]")).click();
    waitFor(Duration.ofSeconds(20), "the new cohort's dashboard",
        ExpectedConditions.textToBe(By.cssSelector("main h1"), "Browser cohort"));
    String code = browser.findElement(By.cssSelector(".join-code")).getText();

    String username = "watched-" + UUID.randomUUID().toString().substring(0, 8);
    TestKeycloak.get().createUser(username, "pw-" + username);
    Browser learner = new Browser(server);
    String csrf = Browser.csrfToken(learner.signIn(username, "pw-" + username, "/join/" + code).body());
    assertEquals(303, learner.post("/join/" + code, Map.of("_csrf", csrf)).statusCode());
    UUID learnerId;
    try (CloseableDSLContext db = DSL.using(server.db().jdbcUrl(), server.db().user(), server.db().password())) {
      learnerId = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchSingle().value1();
    }

    browser.navigate().refresh();
    By row = By.id("learner-" + learnerId);
    waitFor(Duration.ofSeconds(20), "the learner's row", ExpectedConditions.presenceOfElementLocated(row));
    js("window.__sameDocument = 'yes';");
    By doneCell = By.cssSelector("#learner-" + learnerId + " td.s3.changed");
    // The page's EventSource connects on its own time: record until the row changes (each event is new).
    boolean updated = false;
    for (int attempt = 0; attempt < 20 && !updated; attempt++) {
      server.server().progress().record(new ProgressEvent(UUID.randomUUID(), learnerId, "django-pocket-book", 12,
          EventKind.CHECK_PASSED, null)).await(20, TimeUnit.SECONDS);
      try {
        new WebDriverWait(browser, Duration.ofSeconds(2)).until(ExpectedConditions.presenceOfElementLocated(doneCell));
        updated = true;
      } catch (org.openqa.selenium.TimeoutException notYet) {
        // the stream was not connected yet
      }
    }
    assertTrue(updated, "card 12 shows done in the learner's row");
    assertEquals("yes", js("return window.__sameDocument;"), "updated in place, not by a reload");
    assertTrue(browser.findElement(By.id("dashboard-live")).getText().endsWith("card 12 is now done"),
        browser.findElement(By.id("dashboard-live")).getText());
    assertEquals("done", js("return document.querySelector('#learner-" + learnerId + " td.s3 .vh').textContent;"),
        "the cell says its status in words too (visually hidden)");

    // The totals, which rows don't carry, follow a few seconds later: the page reads its dashboard afresh, in
    // place, and the summary counts the card done.
    By summary = By.cssSelector(".dashboard-summary");
    waitFor(Duration.ofSeconds(20), "the summary read afresh",
        d -> d.findElement(summary).getText().contains("2% of cards done"));
    assertEquals("100%", js("return document.querySelectorAll('table.matrix tfoot td')[11].textContent;"),
        "card 12's completion under the matrix");
    assertEquals("yes", js("return window.__sameDocument;"), "refreshed in place, not by a reload");
    assertTrue(browser.findElement(By.id("dashboard-live")).getText().endsWith("card 12 is now done"),
        "a routine refresh keeps what the live region said");

    // A break in live updates (the server's listener loses its database connection): read afresh, and said so.
    assertTrue(server.terminateProgressListeners() > 0, "a listener connection to end");
    waitFor(Duration.ofSeconds(20), "the note of a refresh after a break",
        d -> d.findElement(By.id("dashboard-live")).getText().equals("Refreshed after a break in live updates."));
    assertEquals("yes", js("return window.__sameDocument;"), "refreshed in place, not by a reload");

    assertNoConsoleErrors();
  }


  private static void waitFor(Duration timeout, String what, java.util.function.Function<WebDriver, ?> condition) {
    new WebDriverWait(browser, timeout).withMessage(what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class) // parts are swapped as we look
        .until(condition);
  }
}
