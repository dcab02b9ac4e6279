package org.pocketlab.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What we keep from a token response: the person's claims, realm roles, the provider's session id and the
 * tokens needed to refresh and to sign out.
 */
record SignInTokens(
    String subject, String username, String name, String email, Set<String> roles, String sid, String nonce,
    String idToken, String refreshToken, Instant accessExpiresAt) {

  static SignInTokens of(User user) {
    JsonObject principal = user.principal();
    JsonObject access = user.attributes().getJsonObject("accessToken", new JsonObject());
    JsonObject id = user.attributes().getJsonObject("idToken", new JsonObject());
    String subject = first(id.getString("sub"), access.getString("sub"));
    if (subject == null) throw new IllegalStateException("the token has no subject");
    String username = first(id.getString("preferred_username"), access.getString("preferred_username"), subject);
    String name = first(id.getString("name"), access.getString("name"), username);
    long exp = access.getLong("exp", Instant.now().getEpochSecond() + principal.getLong("expires_in", 60L));
    return new SignInTokens(subject, username, name, first(id.getString("email"), access.getString("email")),
        realmRoles(access), first(id.getString("sid"), access.getString("sid")), id.getString("nonce"),
        principal.getString("id_token"), principal.getString("refresh_token"), Instant.ofEpochSecond(exp));
  }

  private static Set<String> realmRoles(JsonObject access) {
    JsonArray roles = access.getJsonObject("realm_access", new JsonObject()).getJsonArray("roles", new JsonArray());
    Set<String> out = new LinkedHashSet<>();
    for (Object role : roles) {
      if (Person.LEARNER.equals(role) || Person.INSTRUCTOR.equals(role) || Person.ADMIN.equals(role)) {
        out.add((String) role);
      }
    }
    return out;
  }

  private static String first(String... values) {
    for (String v : values) if (v != null && !v.isBlank()) return v;
    return null;
  }
}
