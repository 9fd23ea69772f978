package dev.kvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvs.config.KvsConfig.RecordLimits;
import dev.kvs.store.Operator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WriteRequestParserTest {
  private static final long NOW = 1_700_000_000_000L;
  private final WriteRequestParser parser = new WriteRequestParser(new RecordLimits(1_440, 44_640, 1_024, 1_024));

  private WriteRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), NOW);
  }

  private String code(String json) {
    return assertThrows(KvsException.class, () -> parse(json)).code();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"value\": 1}                              | 1",
      "{\"value\":-12.50e+3 }                      | -12.50e+3",
      "{\"value\" :\"a b\" , \"minutesToExpire\":5} | \"a b\"",
      "{\"value\": \"esc \\\" \\\\ \\n\"}          | \"esc \\\" \\\\ \\n\"",
      "{\"value\": [ 1 , [ ] , { } ] }             | [1,[],{}]",
      "{\"value\": {\"k\" : \" spaced : , \"}}     | {\"k\":\" spaced : , \"}",
      "{\"value\": true}                           | true",
      "{\"value\":false,\"minutesToExpire\":1}     | false",
      "{\"value\": \"é€😀\"}                       | \"é€😀\"",
  })
  void valueIsTheClientsJsonInCompactForm(String body, String expected) {
    assertEquals(expected.trim(), parse(body).value());
  }

  @Test
  void defaultsApplyWhenOptionalFieldsAreAbsent() {
    WriteRequest request = parse("{\"value\": 1}");
    assertEquals(1_440, request.expiry().minutes());
    assertNull(request.expiry().atMs());
    assertNull(request.metadata());
    assertNull(request.operator());
  }

  @Test
  void conditionalFieldsAreRead() {
    WriteRequest request = parse("{\"operator\": \"<=\", \"unixtimeMs\": 1700000000123, \"value\": 1, \"metadata\": {\"a\": [1, 2]}}");
    assertEquals(Operator.LE, request.operator());
    assertEquals(1_700_000_000_123L, request.unixtimeMs());
    assertEquals("{\"a\":[1,2]}", request.metadata());
  }

  @Test
  void expiresAtWithinTheMaximumIsKept() {
    assertEquals(NOW + 60_000, parse("{\"value\": 1, \"expiresAt\": " + (NOW + 60_000) + "}").expiry().atMs());
    assertEquals("invalid_ttl", code("{\"value\": 1, \"expiresAt\": " + NOW + "}"));
  }

  @Test
  void sizeLimitCountsCompactUtf8Bytes() {
    String fits = "\"" + "é".repeat(511) + "\"";            // 2 + 1022 bytes
    assertEquals(fits, parse("{\"value\":  " + fits + "  }").value());
    assertEquals("invalid_value", code("{\"value\": \"" + "é".repeat(512) + "\"}"));
  }

  @Test
  void everyRuleHasItsCode() {
    assertEquals("invalid_json", code("{\"value\": 1,}"));
    assertEquals("invalid_json", code("{\"value\": 1}{}"));
    assertEquals("invalid_json", code("\"value\""));
    assertEquals("invalid_value", code("{\"minutesToExpire\": 5}"));
    assertEquals("invalid_ttl", code("{\"value\": 1, \"minutesToExpire\": 1e2}"));
    assertEquals("invalid_ttl", code("{\"value\": 1, \"minutesToExpire\": 44641}"));
    assertEquals("invalid_operator", code("{\"value\": 1, \"operator\": \"!=\", \"unixtimeMs\": 5}"));
    assertEquals("invalid_operator", code("{\"value\": 1, \"unixtimeMs\": 5}"));
    assertEquals("invalid_metadata", code("{\"value\": 1, \"metadata\": \"text\"}"));
    assertEquals("unknown_field", code("{\"value\": 1, \"ttl\": 5}"));
  }
}
