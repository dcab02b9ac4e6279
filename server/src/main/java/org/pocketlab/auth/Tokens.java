package org.pocketlab.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Unguessable values (session ids, CSRF tokens, OIDC state and nonce, PKCE) and their hashes. */
final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** 32 random bytes, base64url without padding: 43 characters. */
  static String random() {
    return random(32);
  }

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String sha256Hex(String value) {
    return HexFormat.of().formatHex(sha256(value));
  }

  /** The PKCE S256 challenge for a verifier (RFC 7636). */
  static String pkceChallenge(String verifier) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
  }

  static boolean equalsConstantTime(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(a.getBytes(), b.getBytes());
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
