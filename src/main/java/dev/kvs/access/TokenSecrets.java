package dev.kvs.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Token secrets: how they are made, carried and stored. A secret is {@code kvs_} + 43 base64url
 * characters (256 random bits), shown once; only its SHA-256 is stored. A fast hash is enough:
 * the secrets are random, so there is no dictionary to try against a stolen hash.
 */
public final class TokenSecrets {
  /** A shell command that sets KVS_ADMIN_TOKEN to a fresh secret of the same form. */
  public static final String EXPORT_NEW_ADMIN_TOKEN =
      "export KVS_ADMIN_TOKEN=\"kvs_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')\"";
  /** Longer bearer values are refused without a look-up (a real one is 47 characters). */
  static final int MAX_TOKEN_CHARS = 512;

  private static final String PREFIX = "kvs_";
  /** 256 bits in base64url without padding. */
  private static final int SECRET_CHARS = 43;
  /** Each ASCII character's value in base64url, -1 for characters outside it: checked per request. */
  private static final byte[] BASE64URL_VALUE = new byte[128];

  static {
    Arrays.fill(BASE64URL_VALUE, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      BASE64URL_VALUE[alphabet.charAt(i)] = (byte) i;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String BEARER = "Bearer ";

  private TokenSecrets() {}

  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + BASE64URL.encodeToString(bytes);
  }

  /**
   * Whether {@code token} has the shape of a secret {@link #newSecret} makes: {@code kvs_} and 43
   * base64url characters, the last of which holds the last 4 bits and 2 zero bits of padding (so
   * it is every fourth character of the alphabet). No stored token has another shape: anything else
   * needs no look-up.
   */
  static boolean hasIssuedShape(String token) {
    if (token.length() != PREFIX.length() + SECRET_CHARS || !token.startsWith(PREFIX)) {
      return false;
    }
    int value = -1;
    for (int i = PREFIX.length(); i < token.length(); i++) {
      char c = token.charAt(i);
      value = c < BASE64URL_VALUE.length ? BASE64URL_VALUE[c] : -1;
      if (value < 0) {
        return false;
      }
    }
    return value % 4 == 0;
  }

  /** A token's public id (for listing and revoking): not secret, but unguessable all the same. */
  public static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "tok_" + BASE64URL.encodeToString(bytes);
  }

  /** One digest per thread: looking the algorithm up costs more than hashing a token. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  });

  public static byte[] hash(String secret) {
    return SHA256.get().digest(secret.getBytes(StandardCharsets.US_ASCII));
  }

  static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null when there is none or it is malformed. */
  static String bearer(String authorization) {
    if (authorization == null || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.length() <= MAX_TOKEN_CHARS && wellFormed(token) ? token : null;
  }

  /** RFC 6750's token characters: A-Z a-z 0-9 - . _ ~ + / and trailing '='. */
  public static boolean wellFormed(String token) {
    if (token.isEmpty()) {
      return false;
    }
    int end = token.length();
    while (end > 1 && token.charAt(end - 1) == '=') {
      end--;
    }
    for (int i = 0; i < end; i++) {
      char c = token.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
