package dev.kvs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Keys, namespaces and query values in URLs: percent-encoded so KVS reads back exactly what was given. */
class HttpPathsTest {
  private final HttpPaths paths = new HttpPaths("", "demo");

  @Test
  void unreservedCharactersStayAsTheyAre() {
    assertEquals("/v1/ns/demo/kv/user_1-a~Z9", paths.record("user_1-a~Z9"));
  }

  @Test
  void everyOtherPrintableCharacterIsEscaped() {
    assertEquals("/v1/ns/demo/kv/a%2Fb%3Ac%25d%3Fe%23f%2Bg%26h%3Di", paths.record("a/b:c%d?e#f+g&h=i"));
  }

  @Test
  void dotsAreEscapedSoDotKeysAreNoDotSegments() {
    assertEquals("/v1/ns/demo/kv/%2E", paths.record("."));
    assertEquals("/v1/ns/demo/kv/%2E%2E", paths.record(".."));
    assertEquals("/v1/ns/demo/kv/a%2Eb", paths.record("a.b"));
  }

  @Test
  void spacesAndNonAsciiAreSentAsUtf8BytesForKvsToRefuse() {
    assertEquals("/v1/ns/demo/kv/a%20b", paths.record("a b"));
    assertEquals("/v1/ns/demo/kv/caf%C3%A9", paths.record("café"));
    assertEquals("/v1/ns/demo/kv/%F0%9F%94%91", paths.record("\uD83D\uDD11"));
    assertEquals("/v1/ns/demo/kv/", paths.record(""));
  }

  @Test
  void theNamespaceAndThePathPrefixArePartOfEveryPath() {
    HttpPaths behindAProxy = new HttpPaths("/kvs", "my-ns_1");
    assertEquals("/kvs/v1/ns/my-ns_1/kv/k", behindAProxy.record("k"));
    assertEquals("/kvs/v1/ns/my-ns_1/bulk/get", behindAProxy.bulk("get"));
    assertEquals("/v1/ns/a%2Fb/kv/k", new HttpPaths("", "a/b").record("k"), "a namespace cannot leave its segment");
  }

  @Test
  void listSendsOnlyTheOptionsSetEscaped() {
    assertEquals("/v1/ns/demo/kv", paths.list(new ListOptions()));
    assertEquals("/v1/ns/demo/kv?prefix=a%2Bb%20c&limit=10&cursor=dXNlcjox%3D",
        paths.list(new ListOptions().setPrefix("a+b c").setLimit(10).setCursor("dXNlcjox=")));
  }

  @Test
  void changesSendsCursorAndLimitWhenGiven() {
    assertEquals("/v1/ns/demo/changes", paths.changes(null, null));
    assertEquals("/v1/ns/demo/changes?cursor=8812-3&limit=5", paths.changes("8812-3", 5));
  }

  @Test
  void aNullKeyThrowsAtTheCall() {
    assertThrows(NullPointerException.class, () -> paths.record(null));
  }
}
