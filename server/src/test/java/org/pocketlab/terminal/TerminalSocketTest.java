package org.pocketlab.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.testsupport.Browser;
import org.pocketlab.testsupport.TerminalClient;
import org.pocketlab.testsupport.TestServer;

/** The terminal over a real WebSocket into a real bubblewrap sandbox with a real PTY and Django. */
class TerminalSocketTest {
  private static final String COURSE = "django-pocket-book";
  private static TestServer server;
  private static String learner1;
  private static String learner2;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak(java.util.Map.of("POCKETLAB_SESSION_RECHECK_SECONDS", "1"));
    learner1 = signedIn("learner1");
    learner2 = signedIn("learner2");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static String signedIn(String user) {
    Browser browser = new Browser(server);
    browser.signIn(user, user, "/");
    return browser.sessionCookie().orElseThrow();
  }

  private static TerminalClient open(String cookie) throws Exception {
    TerminalClient tab = TerminalClient.connect(server, COURSE, cookie, server.publicUrl());
    tab.waitForReady();
    return tab;
  }

  @Test
  void aShellWithDjangoThatSurvivesAReconnect() throws Exception {
    try (TerminalClient tab = open(learner1)) {
      tab.type("echo $((6*7)); python -m django --version\r");
      tab.waitForScreen("42");
      tab.waitFor("Django 3.2", c -> c.screen().matches("(?s).*\\b3\\.2\\.\\d+.*"), Duration.ofSeconds(30));
      tab.type("stty size\r");
      tab.waitForScreen("40 120");
      tab.control("{\"type\":\"resize\",\"cols\":90,\"rows\":25}");
      tab.type("stty size\r");
      tab.waitForScreen("25 90");
    }
    try (TerminalClient again = open(learner1)) {
      again.waitFor("the scrollback repainted", c -> c.screen().contains("42") && c.screen().contains("25 90"),
          Duration.ofSeconds(10));
    }
  }

  @Test
  void aFirstStartSaysWhatItIsDoing() throws Exception {
    try (TerminalClient tab = open(signedIn("instructor1"))) { // nobody else here has a workspace of theirs
      List<String> notes = tab.statuses().stream().filter(s -> "starting".equals(s.getString("state")))
          .map(s -> s.getString("note")).toList();
      assertEquals(List.of("Starting your sandbox…", "Copying the starter project into your new workspace…"), notes);
      assertEquals("ready", tab.statuses().get(tab.statuses().size() - 1).getString("state"));
    }
  }

  @Test
  void aSignOutElsewhereClosesTheTerminalWithoutAReconnect() throws Exception {
    try (TerminalClient tab = open(signedIn("admin1"))) { // only this test signs admin1 in
      assertTrue(server.endSessionsOf("admin1") > 0);
      tab.waitFor("the socket closed as signed out", c -> "4001 signed out".equals(c.closedWith()),
          Duration.ofSeconds(15));
      assertTrue(tab.statuses().stream().anyMatch(s -> "error".equals(s.getString("state"))
          && "You were signed out. Sign in again to use the terminal.".equals(s.getString("note"))), tab.statuses()
          .toString());
    }
  }

  @Test
  void twoTabsShareOneShell() throws Exception {
    try (TerminalClient first = open(learner1); TerminalClient second = open(learner1)) {
      first.type("echo shared-$((20+3))\r");
      first.waitForScreen("shared-23");
      second.waitForScreen("shared-23");
    }
  }

  @Test
  void eachLearnerHasTheirOwnShellAndFiles() throws Exception {
    try (TerminalClient mine = open(learner1); TerminalClient theirs = open(learner2)) {
      mine.type("echo secret > only-mine.txt && echo written-$((1+1))\r");
      mine.waitForScreen("written-2");
      theirs.type("ls only-mine.txt; ls /home; echo listed-$((2+2))\r");
      theirs.waitForScreen("listed-4");
      assertTrue(theirs.screen().contains("No such file"), theirs.screen());
      assertFalse(theirs.screen().contains("secret"));
    }
  }

  @Test
  void theUpgradeNeedsASessionAndThisSitesOrigin() {
    UpgradeRejectedException anonymous = assertThrows(UpgradeRejectedException.class,
        () -> TerminalClient.connect(server, COURSE, null, server.publicUrl()));
    assertEquals(401, anonymous.getStatus());
    UpgradeRejectedException foreign = assertThrows(UpgradeRejectedException.class,
        () -> TerminalClient.connect(server, COURSE, learner1, "http://evil.example"));
    assertEquals(403, foreign.getStatus());
    UpgradeRejectedException noOrigin = assertThrows(UpgradeRejectedException.class,
        () -> TerminalClient.connect(server, COURSE, learner1, null));
    assertEquals(403, noOrigin.getStatus());
    UpgradeRejectedException tampered = assertThrows(UpgradeRejectedException.class,
        () -> TerminalClient.connect(server, COURSE, learner1 + "x", server.publicUrl()));
    assertEquals(401, tampered.getStatus());
    UpgradeRejectedException course = assertThrows(UpgradeRejectedException.class,
        () -> TerminalClient.connect(server, "no-such-course", learner1, server.publicUrl()));
    assertEquals(404, course.getStatus());
  }

  @Test
  void hostileFramesCloseTheSocketWithAReasonAndNothingElseBreaks() throws Exception {
    try (TerminalClient tab = open(learner2)) {
      tab.control("{not json");
      tab.waitFor("a close", c -> c.closedWith() != null, Duration.ofSeconds(10));
      assertEquals("1008 malformed control message", tab.closedWith());
    }
    try (TerminalClient tab = open(learner2)) {
      tab.control("{\"type\":\"resize\",\"cols\":-5,\"rows\":99999}");
      tab.waitFor("a close", c -> c.closedWith() != null, Duration.ofSeconds(10));
      assertEquals("1008 unknown control message", tab.closedWith());
    }
    try (TerminalClient tab = open(learner2)) {
      tab.send(Buffer.buffer(new byte[TerminalSocket.MAX_MESSAGE + 1024]));
      tab.waitFor("a close", c -> c.closedWith() != null, Duration.ofSeconds(10));
      assertTrue(tab.closedWith().startsWith("1009"), tab.closedWith());
    }
    try (TerminalClient tab = open(learner2)) {
      tab.type("echo still-$((3*3))\r");
      tab.waitForScreen("still-9");
    }
  }

  @Test
  void aFloodIsFlowControlledAndCtrlCStopsIt() throws Exception {
    Runtime jvm = Runtime.getRuntime();
    try (TerminalClient flood = open(learner2); TerminalClient other = open(learner1)) {
      System.gc();
      long before = jvm.totalMemory() - jvm.freeMemory();
      flood.type("cat /dev/urandom | base64\r");
      try {
        flood.waitFor("a flood", c -> c.bytesReceived() > 20_000_000, Duration.ofSeconds(60));
      } catch (AssertionError stalled) {
        flood.type("\u0003"); // don't leave the flood running into learner2's next test
        throw stalled;
      }
      other.type("echo meanwhile-$((5*5))\r");
      other.waitForScreen("meanwhile-25"); // another learner is not starved by the flood
      System.gc();
      long during = jvm.totalMemory() - jvm.freeMemory();
      assertTrue(during - before < 256L * 1024 * 1024, "heap grew by " + (during - before) / 1024 / 1024 + " MB");
      flood.type("\u0003");
      flood.type("echo stopped-$((7*6))\r");
      flood.waitFor("the prompt after Ctrl-C",
          c -> {
            String screen = c.screen(); // grows while we look: read it once
            return screen.substring(Math.max(0, screen.length() - 4000)).contains("stopped-42");
          },
          Duration.ofSeconds(30));
    }
  }
}
