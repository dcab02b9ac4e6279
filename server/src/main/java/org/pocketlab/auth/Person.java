package org.pocketlab.auth;

import java.util.Set;
import java.util.UUID;

/** The signed-in person behind a request, with the realm roles from their latest token. */
public record Person(UUID id, String username, String name, String email, Set<String> roles) {

  public static final String LEARNER = "learner";
  public static final String INSTRUCTOR = "instructor";
  public static final String ADMIN = "admin";

  public boolean has(String role) {
    return roles.contains(role) || roles.contains(ADMIN);
  }

  public String displayName() {
    return name == null || name.isBlank() ? username : name;
  }
}
