package org.pocketlab.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Whose sandbox for which course: one learner ({@code owner}, a stable user id) gets one sandbox per course.
 * Both parts are restricted to {@code [a-z0-9][a-z0-9._-]{0,62}} so that they are safe as path segments
 * (no {@code /}, no leading dot, so never {@code ..}) and as parts of labels.
 */
public record SandboxId(String owner, String course) {

  private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final int SLUG = 20;

  public SandboxId {
    check("owner", owner);
    check("course", course);
  }

  private static void check(String what, String value) {
    if (value == null || !PART.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Sandbox " + what + " must match [a-z0-9][a-z0-9._-]{0,62}, got '" + value + "'");
    }
  }

  /**
   * A deterministic name usable as a directory, cgroup, pod or host name: a DNS-1123 label (lowercase
   * letters, digits, '-', at most 63 characters, alphanumeric at both ends). Readable prefixes of course and
   * owner, plus a hash of the exact pair so that e.g. {@code a.b}/{@code a_b} or long ids sharing a prefix
   * never collide.
   */
  public String name() {
    return "sbx-" + slug(course) + "-" + slug(owner) + "-" + hash();
  }

  private String hash() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((owner + "\n" + course).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String slug(String part) {
    String s = part.replaceAll("[^a-z0-9]+", "-");
    if (s.length() > SLUG) s = s.substring(0, SLUG);
    return s.replaceAll("-+$", "");
  }

  @Override
  public String toString() {
    return course + "/" + owner;
  }
}
