package dev.kvs.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvs.support.Auth;
import org.junit.jupiter.api.Test;

class TokenSecretsTest {

  @Test
  void everySecretIssuedHasTheIssuedShape() {
    for (int i = 0; i < 10_000; i++) {
      String secret = TokenSecrets.newSecret();
      assertTrue(TokenSecrets.hasIssuedShape(secret), secret);
    }
  }

  @Test
  void nothingElseHasIt() {
    String secret = TokenSecrets.newSecret();
    String body = secret.substring(4);
    for (String other : new String[] {
        secret.substring(0, 46), secret + "A", "tok_" + body, "KVS_" + body, body, body + "AAAA",
        secret.substring(0, 10) + "." + secret.substring(11), secret.substring(0, 10) + "~" + secret.substring(11),
        secret.substring(0, 10) + "+" + secret.substring(11), secret.substring(0, 10) + "/" + secret.substring(11),
        secret.substring(0, 46) + "=", secret.substring(0, 46) + "B", // B: padding bits set, no encoding makes it
        Auth.ADMIN, ""}) {
      assertFalse(TokenSecrets.hasIssuedShape(other), other);
    }
  }
}
