package dev.kvs.admin;

import dev.kvs.access.Scope;
import dev.kvs.config.ApiLimits;
import dev.kvs.service.KvsException;
import dev.kvs.store.NamespaceRow;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;

/** Reads and checks the admin API's bodies; a broken rule is a 400 with a precise code. */
final class AdminRequests {
  static final int MAX_DESCRIPTION_CHARS = 256;
  static final int MAX_REQUESTS_PER_SECOND = 10_000_000;
  private static final Set<String> LIMIT_FIELDS = Set.of("maxTtlMinutes", "maxValueBytes", "maxMetadataBytes",
      "requestsPerSecond");
  private static final Set<String> TOKEN_FIELDS = Set.of("scopes", "expiresAt", "description");

  /** A namespace's limits as a body gives them: {@code set[i]} tells whether field i was present. */
  record LimitsPatch(boolean[] set, NamespaceRow.Limits limits) {}

  record NewToken(Set<Scope> scopes, Long expiresAtMs, String description) {}

  private AdminRequests() {}

  static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw KvsException.badRequest("invalid_json", "the body must be a JSON object");
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw KvsException.badRequest("invalid_json", "the body must be a JSON object");
    }
  }

  /** {@code {"name": .., <limits>}}: the name, checked as a data call would check it. */
  static String name(JsonObject body) {
    Object name = body.getValue("name");
    if (!(name instanceof String s)) {
      throw KvsException.badRequest("invalid_namespace", "name is required: 1 to 63 characters of [a-z0-9_-]");
    }
    dev.kvs.service.Identifiers.checkNamespace(s);
    return s;
  }

  /** The limits of a create ({@code allowName}) or a patch body; absent or null means the server default. */
  static LimitsPatch limits(JsonObject body, boolean allowName) {
    for (String field : body.fieldNames()) {
      if (!LIMIT_FIELDS.contains(field) && !(allowName && field.equals("name"))) {
        throw KvsException.badRequest("unknown_field", "unknown field '" + field + "'");
      }
    }
    boolean[] set = {body.containsKey("maxTtlMinutes"), body.containsKey("maxValueBytes"),
        body.containsKey("maxMetadataBytes"), body.containsKey("requestsPerSecond")};
    Long ttl = integer(body, "maxTtlMinutes", 1, ApiLimits.TTL_MINUTES_CEILING);
    Long value = integer(body, "maxValueBytes", 1, Integer.MAX_VALUE);
    Long metadata = integer(body, "maxMetadataBytes", 1, Integer.MAX_VALUE);
    Long rate = integer(body, "requestsPerSecond", 0, MAX_REQUESTS_PER_SECOND);
    return new LimitsPatch(set, new NamespaceRow.Limits(ttl,
        value == null ? null : value.intValue(),
        metadata == null ? null : metadata.intValue(),
        rate == null ? null : rate.intValue()));
  }

  /**
   * A token body. A namespace's token takes "read" and/or "write"; an admin token ({@code admin})
   * takes only "admin", its default.
   */
  static NewToken token(JsonObject body, boolean admin, long nowMs) {
    for (String field : body.fieldNames()) {
      if (!TOKEN_FIELDS.contains(field)) {
        throw KvsException.badRequest("unknown_field", "unknown field '" + field + "'");
      }
    }
    Set<Scope> scopes = scopes(body.getValue("scopes"), admin);
    Long expiresAt = integer(body, "expiresAt", nowMs + 1, ApiLimits.MAX_UNIX_MS, "invalid_expires_at",
        "expiresAt must be a time in the future, in unix milliseconds");
    Object description = body.getValue("description");
    if (description != null && (!(description instanceof String d) || d.length() > MAX_DESCRIPTION_CHARS)) {
      throw KvsException.badRequest("invalid_description",
          "description must be a string of at most " + MAX_DESCRIPTION_CHARS + " characters");
    }
    return new NewToken(scopes, expiresAt, (String) description);
  }

  private static Set<Scope> scopes(Object given, boolean admin) {
    String allowed = admin ? "[\"admin\"]" : "a non-empty list of \"read\" and \"write\"";
    if (given == null && admin) {
      return EnumSet.of(Scope.ADMIN);
    }
    if (!(given instanceof JsonArray list) || list.isEmpty()) {
      throw KvsException.badRequest("invalid_scopes", "scopes must be " + allowed);
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (Object item : list) {
      Scope scope = item instanceof String s ? Scope.ofJson(s) : null;
      if (scope == null || (scope == Scope.ADMIN) != admin) {
        throw KvsException.badRequest("invalid_scopes", "scopes must be " + allowed);
      }
      scopes.add(scope);
    }
    return scopes;
  }

  private static Long integer(JsonObject body, String field, long min, long max) {
    return integer(body, field, min, max, "invalid_limit", field + " must be an integer from " + min + " to " + max);
  }

  private static Long integer(JsonObject body, String field, long min, long max, String code, String message) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw KvsException.badRequest(code, message);
    }
    return ((Number) v).longValue();
  }
}
