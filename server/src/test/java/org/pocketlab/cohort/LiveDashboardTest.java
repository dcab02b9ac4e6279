package org.pocketlab.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pocketlab.cohort.CohortsTest.User;
import org.pocketlab.progress.EventKind;
import org.pocketlab.progress.ProgressEvent;
import org.pocketlab.testsupport.TestServer;

/**
 * The live dashboard: an instructor's server-sent event stream receives the learner's fresh matrix row when
 * the learner's run is recorded, also when the learner uses another server replica on the same database
 * (relayed through PostgreSQL LISTEN/NOTIFY).
 */
class LiveDashboardTest {
  private static final String COURSE = "/courses/django-pocket-book";
  private static TestServer server;
  private static TestServer replica;

  @BeforeAll
  static void start() {
    server = TestServer.withKeycloak(Map.of("POCKETLAB_SESSION_RECHECK_SECONDS", "1"));
    replica = TestServer.withKeycloak(Map.of(
        "POCKETLAB_DB_URL", server.db().jdbcUrl(),
        "POCKETLAB_DB_USER", server.db().user(),
        "POCKETLAB_DB_PASSWORD", server.db().password()));
  }

  @AfterAll
  static void stop() {
    if (replica != null) replica.close();
    if (server != null) server.close();
  }

  @Test
  void aLearnersRunReachesTheOpenDashboard() throws Exception {
    User instructor = CohortsTest.signIn(server, "instructor1", "instructor1");
    String cohort = CohortsTest.createCohort(instructor, "Live cohort");
    User learner = CohortsTest.newUser(server, "runner");
    CohortsTest.join(learner, CohortsTest.joinCode(instructor, cohort));
    User outsider = CohortsTest.newUser(server, "outsider");

    try (SseClient stream = SseClient.open(instructor.browser().client(), server.url(cohort + "/live"))) {
      assertEquals(200, stream.status());
      assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
      stream.next("open");

      // Someone outside the cohort progresses first: their row must never reach this dashboard.
      server.server().progress().record(new ProgressEvent(UUID.randomUUID(), outsider.id(), "django-pocket-book", 1,
          EventKind.VIEWED, null)).await(20, TimeUnit.SECONDS);
      HttpResponse<String> run = learner.browser().post(COURSE + "/cards/1-what-is-django/examples/1/run", Map.of(),
          "X-CSRF-Token", learner.csrf());
      assertEquals(200, run.statusCode(), run.body());
      assertTrue(run.body().contains("\"code\":0"), run.body());

      SseClient.Event row = stream.next("row");
      assertTrue(row.data().startsWith("<tr id=\"learner-" + learner.id() + "\""), "the learner's row: " + row.data());
      assertFalse(row.data().contains(outsider.id().toString()));
      assertTrue(row.data().contains("<td class=\"s s2 changed\"><span aria-hidden=\"true\">◐</span>"
          + "<span class=\"vh\">practised</span></td>"), "card 1 is now practised, marked as the change: " + row.data());
      assertTrue(row.data().contains("card 1 is now practised"), "a note for the live region");
    }
  }

  @Test
  void aBreakInNotificationsTellsOpenDashboardsToReadAfresh() {
    User instructor = CohortsTest.signIn(server, "instructor1", "instructor1");
    String cohort = CohortsTest.createCohort(instructor, "After a break");
    try (SseClient stream = SseClient.open(instructor.browser().client(), server.url(cohort + "/live"))) {
      stream.next("open");
      // What is notified while a server's listener is away is lost: once it listens again, it says so.
      assertTrue(server.terminateProgressListeners() > 0, "a listener connection to end");
      stream.next("stale");
    }
  }

  @Test
  void aSignedOutViewerIsToldAndTheStreamEnds() {
    User instructor = CohortsTest.signIn(server, "admin1", "admin1"); // only this test signs admin1 in
    String cohort = CohortsTest.createCohort(instructor, "Signed out later");
    try (SseClient stream = SseClient.open(instructor.browser().client(), server.url(cohort + "/live"))) {
      stream.next("open");
      assertTrue(server.endSessionsOf("admin1") > 0);
      assertEquals("You were signed out. Sign in again to follow this cohort live.", stream.next("signed-out").data());
    }
  }

  @Test
  void updatesCrossServerReplicas() {
    User instructor = CohortsTest.signIn(server, "instructor1", "instructor1");
    String cohort = CohortsTest.createCohort(instructor, "Two replicas");
    User learner = CohortsTest.newUser(replica, server.db(), "elsewhere");
    CohortsTest.join(learner, CohortsTest.joinCode(instructor, cohort));

    try (SseClient stream = SseClient.open(instructor.browser().client(), server.url(cohort + "/live"))) {
      stream.next("open");
      assertEquals(200, learner.browser().get(COURSE + "/cards/12-models-orm-essentials").statusCode());
      SseClient.Event row = stream.nextRowContaining("learner-" + learner.id());
      assertTrue(row.data().contains("card 12 is now viewed"), row.data());
    }
  }
}
