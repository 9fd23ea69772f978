package dev.kvs.store;

import static dev.kvs.store.Timestamps.millis;
import static dev.kvs.store.Timestamps.millisOrNull;
import static dev.kvs.store.Timestamps.utcOrNull;

import dev.kvs.access.Grant;
import dev.kvs.access.Scope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The tokens table: grants found by the hash of their secret, issued, listed and revoked by id. */
public final class TokenStore {
  private static final String COLUMNS = "id, namespace, scopes, expires_at, description, created_at";
  private static final String FIND_BY_HASH = "SELECT " + COLUMNS + " FROM tokens WHERE secret_hash = $1";
  private static final String INSERT = "INSERT INTO tokens (id, secret_hash, namespace, scopes, expires_at, description)"
      + " VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + COLUMNS;
  private static final String LIST_OF_NAMESPACE = "SELECT " + COLUMNS + " FROM tokens WHERE namespace = $1 ORDER BY created_at, id";
  private static final String LIST_ADMIN = "SELECT " + COLUMNS + " FROM tokens WHERE namespace IS NULL ORDER BY created_at, id";
  private static final String DELETE = "DELETE FROM tokens WHERE id = $1 RETURNING secret_hash";
  private static final String ANY_ADMIN =
      "SELECT EXISTS (SELECT 1 FROM tokens WHERE namespace IS NULL AND (expires_at IS NULL OR expires_at > now()))";

  private final Pool pool;

  public TokenStore(Pool pool) {
    this.pool = pool;
  }

  /** The grant of the token whose secret hashes to {@code hash}, or null. */
  public Future<Grant> findByHash(byte[] hash) {
    return pool.preparedQuery(FIND_BY_HASH).execute(Tuple.of(Buffer.buffer(hash)))
        .map(rows -> {
          RowIterator<Row> it = rows.iterator();
          return it.hasNext() ? toRow(it.next()).grant() : null;
        });
  }

  /** Stores a new token (a data token when {@code grant.namespace()} is set, else an admin token). */
  public Future<TokenRow> insert(Grant grant, byte[] hash, String description) {
    String[] scopes = grant.scopes().stream().map(Scope::json).toArray(String[]::new);
    Tuple params = Tuple.of(grant.id(), Buffer.buffer(hash), grant.namespace(), scopes,
        utcOrNull(grant.expiresAtMs()), description);
    return pool.preparedQuery(INSERT).execute(params).map(rows -> toRow(rows.iterator().next()));
  }

  /** The tokens of a namespace, or the admin tokens when {@code namespace} is null, oldest first. */
  public Future<List<TokenRow>> list(String namespace) {
    Future<RowSet<Row>> rows = namespace == null
        ? pool.preparedQuery(LIST_ADMIN).execute()
        : pool.preparedQuery(LIST_OF_NAMESPACE).execute(Tuple.of(namespace));
    return rows.map(found -> {
      List<TokenRow> all = new ArrayList<>(found.size());
      found.forEach(row -> all.add(toRow(row)));
      return all;
    });
  }

  /** Deletes the token; the hash of its secret, or null when there was no such token. */
  public Future<byte[]> delete(String id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> {
      RowIterator<Row> it = rows.iterator();
      return it.hasNext() ? it.next().getBuffer(0).getBytes() : null;
    });
  }

  /** Whether an unexpired admin token is stored. */
  public Future<Boolean> anyAdmin() {
    return pool.query(ANY_ADMIN).execute().map(rows -> rows.iterator().next().getBoolean(0));
  }

  private static TokenRow toRow(Row row) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : row.getArrayOfStrings(2)) {
      Scope scope = Scope.ofJson(s);
      if (scope != null) {
        scopes.add(scope);
      }
    }
    Grant grant = new Grant(row.getString(0), row.getString(1), scopes, millisOrNull(row, 3));
    return new TokenRow(grant, row.getString(4), millis(row, 5));
  }
}
