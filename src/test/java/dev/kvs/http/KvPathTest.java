package dev.kvs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvs.service.KvsException;
import org.junit.jupiter.api.Test;

class KvPathTest {
  @Test
  void keyIsEverythingAfterKvPercentDecoded() {
    KvPath path = KvPath.parse("/v1/ns/app/kv/a%2Fb/c%3A%25%3F%23%2E%2E");
    assertEquals("app", path.ns());
    assertEquals("a/b/c:%?#..", path.key());
    assertEquals("/v1/ns/:ns/kv/:key", path.resource().template);
  }

  @Test
  void plusIsALiteralPlusNotASpace() {
    assertEquals("a+b", KvPath.parse("/v1/ns/app/kv/a+b").key());
  }

  @Test
  void dotSegmentsAreKeysNotNavigation() {
    assertEquals("..", KvPath.parse("/v1/ns/app/kv/..").key());
    assertEquals(".", KvPath.parse("/v1/ns/app/kv/%2e").key());
  }

  @Test
  void brokenEscapesAreInvalidRequests() {
    assertEquals("invalid_request", assertThrows(KvsException.class, () -> KvPath.parse("/v1/ns/a/kv/x%2")).code());
    assertEquals("invalid_request", assertThrows(KvsException.class, () -> KvPath.parse("/v1/ns/a/kv/x%G0")).code());
  }

  @Test
  void otherPathsAreNotOurs() {
    assertNull(KvPath.parse("/v1/ns/app"));
    assertNull(KvPath.parse("/v1/ns/app/other/k"));
    assertNull(KvPath.parse("/health/live"));
  }
}
