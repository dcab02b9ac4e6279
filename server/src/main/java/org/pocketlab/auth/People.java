package org.pocketlab.auth;

import static org.pocketlab.db.schema.Tables.APP_USER;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.pocketlab.db.schema.tables.records.AppUserRecord;

/** The people who have signed in ({@code app_user}), keyed by the identity provider's subject. */
public final class People {
  private People() {}

  /** Records a sign-in: the person is created on their first, refreshed on every later one. */
  static Person signedIn(DSLContext dsl, SignInTokens tokens) {
    OffsetDateTime now = OffsetDateTime.now();
    String roles = String.join(",", tokens.roles());
    AppUserRecord row = dsl.insertInto(APP_USER)
        .set(APP_USER.ID, UUID.randomUUID())
        .set(APP_USER.SUBJECT, tokens.subject())
        .set(APP_USER.USERNAME, tokens.username())
        .set(APP_USER.NAME, tokens.name())
        .set(APP_USER.EMAIL, tokens.email())
        .set(APP_USER.ROLES, roles)
        .set(APP_USER.CREATED_AT, now)
        .set(APP_USER.LAST_LOGIN_AT, now)
        .onConflict(APP_USER.SUBJECT)
        .doUpdate()
        .set(APP_USER.USERNAME, tokens.username())
        .set(APP_USER.NAME, tokens.name())
        .set(APP_USER.EMAIL, tokens.email())
        .set(APP_USER.ROLES, roles)
        .set(APP_USER.LAST_LOGIN_AT, now)
        .returning()
        .fetchOne();
    return person(row);
  }

  static void updateRoles(DSLContext dsl, UUID id, Set<String> roles) {
    dsl.update(APP_USER).set(APP_USER.ROLES, String.join(",", roles)).where(APP_USER.ID.eq(id)).execute();
  }

  /** Everyone who has signed in, most recent first. */
  public static List<PersonSummary> all(DSLContext dsl, int limit) {
    return dsl.selectFrom(APP_USER)
        .orderBy(APP_USER.LAST_LOGIN_AT.desc())
        .limit(limit)
        .fetch(r -> new PersonSummary(person(r), r.getCreatedAt(), r.getLastLoginAt()));
  }

  public record PersonSummary(Person person, OffsetDateTime firstSignIn, OffsetDateTime lastSignIn) {}

  static Person person(Record r) {
    return new Person(r.get(APP_USER.ID), r.get(APP_USER.USERNAME), r.get(APP_USER.NAME), r.get(APP_USER.EMAIL),
        roles(r.get(APP_USER.ROLES)));
  }

  private static Set<String> roles(String csv) {
    Set<String> roles = new LinkedHashSet<>();
    Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(roles::add);
    return roles;
  }
}
