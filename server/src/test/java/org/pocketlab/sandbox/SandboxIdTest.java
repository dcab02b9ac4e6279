package org.pocketlab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxIdTest {

  @Test
  void validIdsHaveADeterministicDnsSafeName() {
    SandboxId id = new SandboxId("u1234", "django-pocket-book");
    assertEquals(id.name(), new SandboxId("u1234", "django-pocket-book").name());
    assertTrue(id.name().startsWith("sbx-django-pocket-book-u1234-"), id.name());
    for (SandboxId any : List.of(id, new SandboxId("a".repeat(63), "b".repeat(63)), new SandboxId("x_y.z", "c-"),
        new SandboxId("0", "9"))) {
      String name = any.name();
      assertTrue(name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), "a DNS-1123 label: " + name);
    }
  }

  @Test
  void similarIdsDoNotCollide() {
    assertNotEquals(new SandboxId("a.b", "c").name(), new SandboxId("a_b", "c").name());
    assertNotEquals(new SandboxId("a", "b-c").name(), new SandboxId("a-b", "c").name());
    String longPrefix = "x".repeat(30);
    assertNotEquals(new SandboxId(longPrefix + "1", "c").name(), new SandboxId(longPrefix + "2", "c").name());
  }

  @Test
  void badPartsAreRefused() {
    for (String bad : List.of("", "..", ".hidden", "-x", "A", "a/b", "a b", "é", "x".repeat(64), "a\0b")) {
      assertThrows(IllegalArgumentException.class, () -> new SandboxId(bad, "course"), bad);
      assertThrows(IllegalArgumentException.class, () -> new SandboxId("owner", bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new SandboxId(null, "course"));
  }
}
