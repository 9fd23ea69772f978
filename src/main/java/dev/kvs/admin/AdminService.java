package dev.kvs.admin;

import dev.kvs.access.AccessControl;
import dev.kvs.access.AccessErrors;
import dev.kvs.access.Grant;
import dev.kvs.access.Namespace;
import dev.kvs.access.Scope;
import dev.kvs.access.TokenSecrets;
import dev.kvs.json.IsoTime;
import dev.kvs.service.DatabaseFailures;
import dev.kvs.service.Identifiers;
import dev.kvs.service.KvsException;
import dev.kvs.store.NamespaceRow;
import dev.kvs.store.NamespaceStore;
import dev.kvs.store.TokenRow;
import dev.kvs.store.TokenStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The admin API's operations (API.md, Security): namespaces with their limits, and tokens, issued
 * (the secret shown once, only its hash kept), listed without secrets, and revoked on every
 * replica at once. Bodies in, JSON bodies out; callers have been admitted as admins already.
 */
public final class AdminService {
  private final NamespaceStore namespaces;
  private final TokenStore tokens;
  private final AccessControl access;
  private final int maxWriteBodyBytes;

  /** @param maxWriteBodyBytes the body limit of a single write, which bounds a namespace's value and metadata limits */
  public AdminService(NamespaceStore namespaces, TokenStore tokens, AccessControl access, int maxWriteBodyBytes) {
    this.namespaces = namespaces;
    this.tokens = tokens;
    this.access = access;
    this.maxWriteBodyBytes = maxWriteBodyBytes;
  }

  public Future<JsonObject> createNamespace(Buffer body) {
    return attempt(() -> {
      JsonObject json = AdminRequests.object(body);
      String name = AdminRequests.name(json);
      AdminRequests.LimitsPatch given = AdminRequests.limits(json, true);
      NamespaceRow.Limits limits = given.limits();
      checkFits(access.namespaces().resolve(new NamespaceRow(name, limits.maxTtlMinutes(), limits.maxValueBytes(),
          limits.maxMetadataBytes(), limits.requestsPerSecond(), 0L, false)));
      return namespaces.create(name, limits).compose(created -> {
        if (created == null) {
          return Future.failedFuture(new KvsException(409, "already_exists", "namespace " + name + " exists already"));
        }
        // Forgotten everywhere: a replica may hold "absent" for it (a data call a moment ago).
        return access.namespaceChanged(name).map(sent -> namespaceJson(created));
      });
    });
  }

  public Future<JsonObject> listNamespaces() {
    return namespaces.list().map(rows -> {
      JsonArray all = new JsonArray();
      rows.forEach(row -> all.add(namespaceJson(row)));
      return new JsonObject().put("namespaces", all);
    }).recover(DatabaseFailures::mapped);
  }

  public Future<JsonObject> getNamespace(String name) {
    return existing(name).map(this::namespaceJson);
  }

  /** Sets the limits the body names; a limit given as null goes back to the server default. */
  public Future<JsonObject> updateNamespace(String name, Buffer body) {
    return attempt(() -> {
      AdminRequests.LimitsPatch patch = AdminRequests.limits(AdminRequests.object(body), false);
      return existing(name).compose(row -> {
        checkFits(access.namespaces().resolve(merged(row, patch)));
        return namespaces.update(name, patch.set(), patch.limits());
      }).compose(updated -> updated == null
          ? Future.failedFuture(AccessErrors.namespaceNotFound(name))
          : access.namespaceChanged(name).map(sent -> namespaceJson(updated)));
    });
  }

  /**
   * Deletes the namespace: at once it exists no more for any call and its tokens stop working on
   * every replica; then its records, and its changes with their keys and times, are deleted in
   * batches, one short statement each, before the answer. A write that was already past its checks
   * when the deletion began can still land; the purge sweeps the namespace once more when no such
   * write can be running, then drops it for good.
   */
  public Future<JsonObject> deleteNamespace(String name) {
    return attempt(() -> {
      Identifiers.checkNamespace(name);
      return namespaces.markDeleting(name).compose(marked -> {
        if (!marked) {
          return Future.failedFuture(AccessErrors.namespaceNotFound(name));
        }
        return access.namespaceChanged(name)
            .compose(sent -> namespaces.deleteRecordsAndChanges(name))
            .map(deleted -> new JsonObject());
      });
    });
  }

  /** Issues a token of the namespace; the answer is the only place its secret ever appears. */
  public Future<JsonObject> issueToken(String namespace, Buffer body, long nowMs) {
    return attempt(() -> {
      AdminRequests.NewToken wanted = AdminRequests.token(AdminRequests.object(body), false, nowMs);
      return existing(namespace).compose(ns -> issue(namespace, wanted));
    });
  }

  /** Issues an admin token. */
  public Future<JsonObject> issueAdminToken(Buffer body, long nowMs) {
    return attempt(() -> issue(null, AdminRequests.token(AdminRequests.object(body), true, nowMs)));
  }

  /** The tokens of a namespace (or the admin tokens, for null), never with their secrets. */
  public Future<JsonObject> listTokens(String namespace) {
    Future<?> exists = namespace == null ? Future.succeededFuture() : existing(namespace);
    return exists.compose(ok -> tokens.list(namespace)).map(rows -> {
      JsonArray all = new JsonArray();
      rows.forEach(row -> all.add(tokenJson(row)));
      return new JsonObject().put("tokens", all);
    }).recover(DatabaseFailures::mapped);
  }

  /** Revokes a token: it stops working here now and on every other replica within the notice's delivery. */
  public Future<JsonObject> revokeToken(String id) {
    return tokens.delete(id).compose(hash -> hash == null
        ? Future.failedFuture(new KvsException(404, "token_not_found", "no token has this id"))
        : access.tokenRevoked(hash).map(sent -> new JsonObject()))
        .recover(DatabaseFailures::mapped);
  }

  private Future<JsonObject> issue(String namespace, AdminRequests.NewToken wanted) {
    String secret = TokenSecrets.newSecret();
    Grant grant = new Grant(TokenSecrets.newId(), namespace, wanted.scopes(), wanted.expiresAtMs());
    return tokens.insert(grant, TokenSecrets.hash(secret), wanted.description())
        .map(row -> tokenJson(row).put("token", secret));
  }

  /** The namespace's row; fails with 404 namespace_not_found when it does not exist (or is being deleted). */
  private Future<NamespaceRow> existing(String name) {
    return attempt(() -> {
      Identifiers.checkNamespace(name);
      return namespaces.find(name).compose(row -> row == null || row.deleting()
          ? Future.failedFuture(AccessErrors.namespaceNotFound(name))
          : Future.succeededFuture(row));
    });
  }

  /**
   * A namespace's value and metadata limits must leave any write to it within the body limit of a
   * write (each escaped at worst 6 bytes per byte), or its largest writes would get a 413.
   */
  private void checkFits(Namespace ns) {
    long worst = 6L * ns.limits().maxValueBytes() + 6L * ns.limits().maxMetadataBytes() + 1_024;
    if (worst > maxWriteBodyBytes) {
      throw KvsException.badRequest("invalid_limit", "maxValueBytes + maxMetadataBytes may be at most "
          + (maxWriteBodyBytes - 1_024) / 6 + " together with this server's KVS_MAX_BODY_BYTES (" + maxWriteBodyBytes + ")");
    }
  }

  private static NamespaceRow merged(NamespaceRow row, AdminRequests.LimitsPatch patch) {
    boolean[] set = patch.set();
    NamespaceRow.Limits p = patch.limits();
    return new NamespaceRow(row.name(),
        set[0] ? p.maxTtlMinutes() : row.maxTtlMinutes(),
        set[1] ? p.maxValueBytes() : row.maxValueBytes(),
        set[2] ? p.maxMetadataBytes() : row.maxMetadataBytes(),
        set[3] ? p.requestsPerSecond() : row.requestsPerSecond(),
        row.createdAtMs(), row.deleting());
  }

  private JsonObject namespaceJson(NamespaceRow row) {
    Namespace ns = access.namespaces().resolve(row);
    return new JsonObject()
        .put("name", ns.name())
        .put("maxTtlMinutes", ns.limits().maxTtlMinutes())
        .put("maxValueBytes", ns.limits().maxValueBytes())
        .put("maxMetadataBytes", ns.limits().maxMetadataBytes())
        .put("requestsPerSecond", ns.requestsPerSecond())
        .put("created_at", IsoTime.format(ns.createdAtMs()));
  }

  private static JsonObject tokenJson(TokenRow row) {
    Grant grant = row.grant();
    JsonArray scopes = new JsonArray();
    for (Scope scope : Scope.values()) {
      if (grant.scopes().contains(scope)) {
        scopes.add(scope.json());
      }
    }
    return new JsonObject()
        .put("id", grant.id())
        .put("namespace", grant.namespace())
        .put("scopes", scopes)
        .put("expiresAt", grant.expiresAtMs())
        .put("description", row.description())
        .put("created_at", IsoTime.format(row.createdAtMs()));
  }

  /** Runs {@code call}, turning a validation failure thrown on the way and database failures into API errors. */
  private static <T> Future<T> attempt(Supplier<Future<T>> call) {
    try {
      return call.get().recover(DatabaseFailures::mapped);
    } catch (KvsException e) {
      return Future.failedFuture(e);
    }
  }
}
