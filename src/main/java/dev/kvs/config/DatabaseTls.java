package dev.kvs.config;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Map;

/**
 * TLS to PostgreSQL as libpq reads it, for the pool (Vert.x) and Flyway (pgjdbc) alike. The
 * {@code sslmode} and {@code sslrootcert} parameters of KVS_DB_URL, else PGSSLMODE and
 * PGSSLROOTCERT (a PEM file):
 *
 * <ul>
 *   <li>{@code disable} (the default, as before TLS was supported): plain TCP only;
 *   <li>{@code allow} / {@code prefer}: plain first / TLS first, each falling back to the other;
 *       the certificate is not checked;
 *   <li>{@code require}: TLS or no connection; the certificate is not checked, unless a root
 *       certificate is given: then its chain is, as libpq does;
 *   <li>{@code verify-ca}: TLS, the chain checked against the root certificate, not the host name;
 *   <li>{@code verify-full}: both, the host name against the certificate's names.
 * </ul>
 *
 * The root certificate is read at start: a missing or unreadable file stops the start with its
 * setting named, rather than failing every connection later.
 */
public record DatabaseTls(SslMode mode, String rootCert) {

  /** @param urlParameters sslmode and sslrootcert from KVS_DB_URL, when it has them */
  static DatabaseTls fromEnv(Map<String, String> urlParameters, EnvReader in) {
    boolean modeInUrl = urlParameters.containsKey("sslmode");
    String modeSetting = modeInUrl ? "KVS_DB_URL's sslmode" : "PGSSLMODE";
    String modeValue = modeInUrl ? urlParameters.get("sslmode") : in.string("PGSSLMODE", "disable");
    SslMode mode = Arrays.stream(SslMode.values())
        .filter(m -> m.value.equalsIgnoreCase(modeValue.trim()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(modeSetting + " must be one of disable, allow, prefer, "
            + "require, verify-ca, verify-full, got '" + modeValue + "'"));
    boolean certInUrl = urlParameters.containsKey("sslrootcert");
    String certSetting = certInUrl ? "KVS_DB_URL's sslrootcert" : "PGSSLROOTCERT";
    String rootCert = certInUrl ? urlParameters.get("sslrootcert") : in.stringOrNull("PGSSLROOTCERT");
    if ((mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) && rootCert == null) {
      throw new IllegalArgumentException(modeSetting + " is " + mode.value + ", which checks the server's "
          + "certificate against a root certificate: set PGSSLROOTCERT (or sslrootcert in KVS_DB_URL) to the PEM "
          + "file of the CA that signed it, or use sslmode=require to encrypt without checking");
    }
    DatabaseTls tls = new DatabaseTls(mode, rootCert);
    if (tls.checksChain()) {
      checkReadable(certSetting, rootCert);
    }
    return tls;
  }

  /** Whether the server's certificate chain is checked against {@link #rootCert}. */
  public boolean checksChain() {
    return mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL || (mode == SslMode.REQUIRE && rootCert != null);
  }

  /** The TLS settings of the reactive pool's (and the listener's) connections. */
  void applyTo(PgConnectOptions options) {
    options.setSslMode(mode);
    if (mode == SslMode.DISABLE) {
      return;
    }
    // "HTTPS" is the JDK's host name check (subjectAltName, as libpq); "" turns it off.
    ClientSSLOptions ssl = new ClientSSLOptions()
        .setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : "");
    if (checksChain()) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(rootCert));
    } else {
      // Encrypted, but any certificate will do: without a root certificate there is nothing to check it against.
      ssl.setTrustAll(true);
    }
    options.setSslOptions(ssl);
  }

  /** The same for pgjdbc (Flyway's connection). */
  void addTo(Map<String, String> jdbcProperties) {
    // pgjdbc's require never checks the chain; libpq's does when given a root certificate, which is verify-ca.
    jdbcProperties.put("sslmode", mode == SslMode.REQUIRE && rootCert != null ? "verify-ca" : mode.value);
    if (checksChain()) {
      jdbcProperties.put("sslrootcert", rootCert);
    }
  }

  /** For messages: the mode and, when it is used, the root certificate. */
  public String describe() {
    return "sslmode=" + mode.value + (checksChain() ? ", sslrootcert=" + rootCert : "");
  }

  private static void checkReadable(String setting, String file) {
    String problem;
    try {
      byte[] pem = Files.readAllBytes(Path.of(file));
      problem = new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")
          && !CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty()
          ? null : "not a PEM certificate file";
    } catch (NoSuchFileException | InvalidPathException e) {
      problem = "no such file";
    } catch (AccessDeniedException e) {
      problem = "permission denied";
    } catch (IOException | CertificateException e) {
      problem = e.getMessage();
    }
    if (problem != null) {
      throw new IllegalArgumentException(setting + ": cannot read the root certificate " + file + " (" + problem + ")");
    }
  }
}
