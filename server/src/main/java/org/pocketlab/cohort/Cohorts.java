package org.pocketlab.cohort;

import static org.pocketlab.db.schema.Tables.APP_USER;
import static org.pocketlab.db.schema.Tables.COHORT;
import static org.pocketlab.db.schema.Tables.COHORT_MEMBER;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.pocketlab.Problem;
import org.pocketlab.auth.Person;

/** Cohorts and their members in the database ({@code cohort}, {@code cohort_member}). Blocking: run on a db worker. */
public final class Cohorts {
  /** No look-alikes (0/O, 1/I/L), so a code read aloud or copied from a slide works. */
  private static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  private static final int CODE_LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Cohorts() {}

  /** A cohort with its creator as its first instructor. */
  public static Cohort create(DSLContext tx, Person creator, String course, String name, LocalDate startsOn,
      LocalDate endsOn) {
    UUID id = insert(tx, creator.id(), course, name, startsOn, endsOn);
    addMember(tx, id, creator.id(), Member.Role.INSTRUCTOR);
    return find(tx, id).orElseThrow();
  }

  /** A cohort only admins can open until someone adds an instructor (the seed command's). */
  static Cohort createWithoutInstructor(DSLContext tx, String course, String name) {
    return find(tx, insert(tx, null, course, name, null, null)).orElseThrow();
  }

  private static UUID insert(DSLContext tx, UUID creator, String course, String name, LocalDate startsOn,
      LocalDate endsOn) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    UUID id = UUID.randomUUID();
    for (int attempt = 0; ; attempt++) {
      String code = newCode();
      int inserted = tx.insertInto(COHORT)
          .set(COHORT.ID, id)
          .set(COHORT.COURSE_ID, course)
          .set(COHORT.NAME, name)
          .set(COHORT.STARTS_ON, startsOn)
          .set(COHORT.ENDS_ON, endsOn)
          .set(COHORT.JOIN_CODE, code)
          .set(COHORT.CREATED_BY, creator)
          .set(COHORT.CREATED_AT, now)
          .onConflict(COHORT.JOIN_CODE).doNothing()
          .execute();
      if (inserted == 1) return id;
      if (attempt > 10) throw new IllegalStateException("no free join code after " + attempt + " attempts");
    }
  }

  static String newCode() {
    StringBuilder code = new StringBuilder(CODE_LENGTH);
    for (int i = 0; i < CODE_LENGTH; i++) code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
    return code.toString();
  }

  /** What people type: case, spaces and dashes do not matter. */
  public static Optional<String> normaliseCode(String typed) {
    if (typed == null) return Optional.empty();
    String code = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    return code.length() == CODE_LENGTH && code.chars().allMatch(c -> CODE_ALPHABET.indexOf(c) >= 0)
        ? Optional.of(code) : Optional.empty();
  }

  public static Optional<Cohort> find(DSLContext dsl, UUID id) {
    return dsl.selectFrom(COHORT).where(COHORT.ID.eq(id)).fetchOptional(Cohorts::cohort);
  }

  public static Optional<Cohort> byCode(DSLContext dsl, String code) {
    return dsl.selectFrom(COHORT).where(COHORT.JOIN_CODE.eq(code)).fetchOptional(Cohorts::cohort);
  }

  public static boolean teaches(DSLContext dsl, UUID cohort, UUID person) {
    return dsl.fetchExists(COHORT_MEMBER, COHORT_MEMBER.COHORT_ID.eq(cohort), COHORT_MEMBER.USER_ID.eq(person),
        COHORT_MEMBER.ROLE.eq(Member.Role.INSTRUCTOR.dbValue()));
  }

  public static Optional<Member.Role> roleOf(DSLContext dsl, UUID cohort, UUID person) {
    return dsl.select(COHORT_MEMBER.ROLE).from(COHORT_MEMBER)
        .where(COHORT_MEMBER.COHORT_ID.eq(cohort), COHORT_MEMBER.USER_ID.eq(person))
        .fetchOptional(r -> Member.Role.of(r.value1()));
  }

  /** A cohort as listed: with how many learners and instructors it has. */
  public record Listed(Cohort cohort, int learners, int instructors) {}

  /** A cohort someone learns in: since when, and who teaches it (their names, as shown in the header). */
  public record Joined(Cohort cohort, OffsetDateTime joinedAt, List<String> instructors) {}

  /** The cohorts the person is a learner in, the latest joined first. */
  public static List<Joined> joinedBy(DSLContext dsl, UUID person) {
    var teachers = DSL.arrayAgg(DSL.coalesce(DSL.nullif(APP_USER.NAME, ""), APP_USER.USERNAME))
        .orderBy(DSL.lower(APP_USER.NAME), APP_USER.USERNAME);
    var names = DSL.field(DSL.select(teachers).from(COHORT_MEMBER.as("teaching"))
        .join(APP_USER).on(APP_USER.ID.eq(DSL.field(DSL.name("teaching", "user_id"), UUID.class)))
        .where(DSL.field(DSL.name("teaching", "cohort_id"), UUID.class).eq(COHORT.ID),
            DSL.field(DSL.name("teaching", "role"), String.class).eq(Member.Role.INSTRUCTOR.dbValue())));
    return dsl.select(COHORT.asterisk(), COHORT_MEMBER.ADDED_AT, names)
        .from(COHORT_MEMBER).join(COHORT).on(COHORT.ID.eq(COHORT_MEMBER.COHORT_ID))
        .where(COHORT_MEMBER.USER_ID.eq(person), COHORT_MEMBER.ROLE.eq(Member.Role.LEARNER.dbValue()))
        .orderBy(COHORT_MEMBER.ADDED_AT.desc())
        .fetch(r -> new Joined(cohort(r), r.get(COHORT_MEMBER.ADDED_AT),
            r.get(names) == null ? List.of() : List.of(r.get(names))));
  }

  /** The cohorts someone may open: all for an admin, those they teach for an instructor. */
  public static List<Listed> visibleTo(DSLContext dsl, Person person) {
    var learners = DSL.count().filterWhere(COHORT_MEMBER.ROLE.eq(Member.Role.LEARNER.dbValue()));
    var instructors = DSL.count().filterWhere(COHORT_MEMBER.ROLE.eq(Member.Role.INSTRUCTOR.dbValue()));
    var query = dsl.select(COHORT.asterisk(), learners, instructors)
        .from(COHORT).leftJoin(COHORT_MEMBER).on(COHORT_MEMBER.COHORT_ID.eq(COHORT.ID));
    var where = person.has(Person.ADMIN) ? DSL.noCondition()
        : DSL.exists(DSL.selectOne().from(COHORT_MEMBER.as("mine"))
            .where(DSL.field(DSL.name("mine", "cohort_id")).eq(COHORT.ID),
                DSL.field(DSL.name("mine", "user_id")).eq(person.id()),
                DSL.field(DSL.name("mine", "role")).eq(Member.Role.INSTRUCTOR.dbValue())));
    return query.where(where).groupBy(COHORT.ID).orderBy(COHORT.CREATED_AT.desc())
        .fetch(r -> new Listed(cohort(r), r.get(learners), r.get(instructors)));
  }

  /** Instructors first, then learners, each by name. */
  public static List<Member> members(DSLContext dsl, UUID cohort) {
    return dsl.select(APP_USER.ID, APP_USER.USERNAME, APP_USER.NAME, APP_USER.EMAIL, COHORT_MEMBER.ROLE,
            COHORT_MEMBER.ADDED_AT)
        .from(COHORT_MEMBER).join(APP_USER).on(APP_USER.ID.eq(COHORT_MEMBER.USER_ID))
        .where(COHORT_MEMBER.COHORT_ID.eq(cohort))
        .orderBy(DSL.when(COHORT_MEMBER.ROLE.eq(Member.Role.INSTRUCTOR.dbValue()), 0).otherwise(1),
            DSL.lower(APP_USER.NAME), APP_USER.USERNAME)
        .fetch(r -> new Member(r.value1(), r.value2(), r.value3(), r.value4(), Member.Role.of(r.value5()), r.value6()));
  }

  /**
   * Adds someone who has signed in at least once, found by username or email, in {@code role} (a person
   * already in the cohort changes role). A co-instructor must hold the instructor role. Returns them.
   */
  public static Member add(DSLContext tx, UUID cohort, String usernameOrEmail, Member.Role role) {
    String who = usernameOrEmail == null ? "" : usernameOrEmail.strip();
    if (who.isEmpty()) throw new Problem(400, "Whom to add?", "Type a username or an email address.");
    var found = tx.select(APP_USER.ID, APP_USER.USERNAME, APP_USER.ROLES).from(APP_USER)
        .where(APP_USER.USERNAME.eq(who).or(DSL.lower(APP_USER.EMAIL).eq(who.toLowerCase(Locale.ROOT))))
        .limit(2).fetch();
    if (found.isEmpty()) {
      throw new Problem(400, "Nobody found", "Nobody with the username or email “" + who + "” has signed in yet. "
          + "Ask them to sign in once, or send them the join link.");
    }
    if (found.size() > 1) {
      throw new Problem(400, "More than one person", "More than one person matches “" + who + "”; use the username.");
    }
    var person = found.get(0);
    if (role == Member.Role.INSTRUCTOR && !hasRole(person.get(APP_USER.ROLES), Person.INSTRUCTOR)) {
      throw new Problem(400, "Not an instructor", person.get(APP_USER.USERNAME)
          + " does not have the instructor role, so they can be added as a learner only.");
    }
    UUID id = person.get(APP_USER.ID);
    Optional<Member.Role> before = roleOf(tx, cohort, id);
    if (before.isPresent() && before.get() == Member.Role.INSTRUCTOR && role == Member.Role.LEARNER) {
      requireAnotherInstructor(tx, cohort, id);
    }
    tx.insertInto(COHORT_MEMBER)
        .set(COHORT_MEMBER.COHORT_ID, cohort)
        .set(COHORT_MEMBER.USER_ID, id)
        .set(COHORT_MEMBER.ROLE, role.dbValue())
        .set(COHORT_MEMBER.ADDED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .onConflict(COHORT_MEMBER.COHORT_ID, COHORT_MEMBER.USER_ID).doUpdate()
        .set(COHORT_MEMBER.ROLE, role.dbValue())
        .execute();
    return members(tx, cohort).stream().filter(m -> m.personId().equals(id)).findFirst().orElseThrow();
  }

  /** Removes someone; the last instructor stays (a cohort nobody teaches could not be opened by anyone but admins). */
  public static boolean remove(DSLContext tx, UUID cohort, UUID person) {
    if (roleOf(tx, cohort, person).orElse(null) == Member.Role.INSTRUCTOR) requireAnotherInstructor(tx, cohort, person);
    return tx.deleteFrom(COHORT_MEMBER)
        .where(COHORT_MEMBER.COHORT_ID.eq(cohort), COHORT_MEMBER.USER_ID.eq(person))
        .execute() == 1;
  }

  /** A learner joining through the link or code; true if they were not in the cohort yet. */
  public static boolean join(DSLContext tx, UUID cohort, UUID person) {
    return addMember(tx, cohort, person, Member.Role.LEARNER);
  }

  /** Adds someone not in the cohort yet (someone already in it keeps their role); true if added. */
  static boolean addMember(DSLContext tx, UUID cohort, UUID person, Member.Role role) {
    return tx.insertInto(COHORT_MEMBER)
        .set(COHORT_MEMBER.COHORT_ID, cohort)
        .set(COHORT_MEMBER.USER_ID, person)
        .set(COHORT_MEMBER.ROLE, role.dbValue())
        .set(COHORT_MEMBER.ADDED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .onConflict(COHORT_MEMBER.COHORT_ID, COHORT_MEMBER.USER_ID).doNothing()
        .execute() == 1;
  }

  private static void requireAnotherInstructor(DSLContext tx, UUID cohort, UUID leaving) {
    boolean another = tx.fetchExists(COHORT_MEMBER, COHORT_MEMBER.COHORT_ID.eq(cohort),
        COHORT_MEMBER.ROLE.eq(Member.Role.INSTRUCTOR.dbValue()), COHORT_MEMBER.USER_ID.ne(leaving));
    if (!another) {
      throw new Problem(400, "The last instructor stays",
          "A cohort needs at least one instructor: add another instructor first.");
    }
  }

  private static boolean hasRole(String csv, String role) {
    for (String r : csv.split(",")) {
      String t = r.strip();
      if (t.equals(role) || t.equals(Person.ADMIN)) return true;
    }
    return false;
  }

  static Cohort cohort(Record r) {
    return new Cohort(r.get(COHORT.ID), r.get(COHORT.COURSE_ID), r.get(COHORT.NAME), r.get(COHORT.STARTS_ON),
        r.get(COHORT.ENDS_ON), r.get(COHORT.JOIN_CODE), r.get(COHORT.CREATED_AT));
  }
}
