package dev.kvs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseFailuresTest {

  @ParameterizedTest
  @CsvSource({"55P03, 409", "40001, 409", "40P01, 409", "57014, 503", "57P01, 503", "53300, 503", "55000, 503", "3D000, 503", "28P01, 503", "08006, 503", "22008, 400", "22021, 400", "22P02, 400"})
  void sqlStatesMapToTheApiStatus(String sqlState, int status) {
    PgException e = new PgException("msg", "ERROR", sqlState, "detail");
    assertEquals(status, ((KvsException) DatabaseFailures.classify(e)).status());
  }

  @Test
  void lostAndRefusedConnectionsAre503() {
    assertEquals(503, status(new ConnectException("Connection refused")));
    assertEquals(503, status(new VertxException("Connection is not active now, current status: CLOSED")));
    assertEquals(503, status(new VertxException("Timeout waiting for connection", true)));
    assertEquals(503, status(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 10")));
    assertEquals(503, status(new VertxException("wrapped", new java.io.IOException("reset by peer"))));
  }

  @Test
  void bugsStayBugs() {
    Throwable encoding = new VertxException("Parameter at position[1] with class = [java.lang.String] can not be coerced");
    assertSame(encoding, DatabaseFailures.classify(encoding));
    PgException syntax = new PgException("syntax error", "ERROR", "42601", "detail");
    assertSame(syntax, DatabaseFailures.classify(syntax));
    NullPointerException npe = new NullPointerException();
    assertSame(npe, DatabaseFailures.classify(npe));
  }

  private static int status(Throwable failure) {
    return ((KvsException) DatabaseFailures.classify(failure)).status();
  }
}
