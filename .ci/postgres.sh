# Sourced by .ci scripts: makes sure a PostgreSQL answers on 127.0.0.1:5432 for the tests,
# starting the local cluster or installing Debian's PostgreSQL when there is none.
pg_answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

# The server, not just the client tools (pg_isready comes with the client).
if ! pg_answers && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "no PostgreSQL server is installed: installing Debian's package"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_answers; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432: starting the local cluster"
  if [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    echo "no cluster exists: creating $version/main"
    pg_createcluster "$version" main >/dev/null
  fi
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
fi
pg_answers || { echo "PostgreSQL still does not answer on 127.0.0.1:5432" >&2; exit 1; }

# TLS: DatabaseTlsIT connects with sslmode=require, verify-ca and verify-full. Debian's package turns
# ssl on, with the snakeoil certificate, when it creates a cluster and that certificate exists; a
# server set up without it (ssl = off) gets it here. The check is a TLS handshake, which needs no login.
pg_offers_tls() { openssl s_client -starttls postgres -connect 127.0.0.1:5432 </dev/null >/dev/null 2>&1; }
if [ -z "${KVS_TEST_PG_URL:-}" ] && ! pg_offers_tls; then
  echo "PostgreSQL does not offer TLS: turning it on with Debian's snakeoil certificate"
  [ -f /etc/ssl/certs/ssl-cert-snakeoil.pem ] && [ -f /etc/ssl/private/ssl-cert-snakeoil.key ] \
    || make-ssl-cert generate-default-snakeoil --force-overwrite
  for version in $(ls /etc/postgresql 2>/dev/null); do
    # The server reads the key as a member of ssl-cert, as Debian's package sets it up.
    printf '%s\n' "ssl = on" "ssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'" \
      "ssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'" > "/etc/postgresql/$version/main/conf.d/90-ci-ssl.conf"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  done
  for _ in $(seq 1 10); do pg_offers_tls && break; sleep 1; done
  pg_offers_tls || { echo "PostgreSQL still does not offer TLS on 127.0.0.1:5432 (see its log)" >&2; exit 1; }
fi

# The tests log in as the current user (libpq's default) and create a database per test class.
# Where that user cannot log in over TCP (a fresh Debian install: peer and password auth), use a
# dedicated superuser with a password instead.
if [ -z "${KVS_TEST_PG_URL:-}" ] && ! psql -h 127.0.0.1 -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
  echo "the current user cannot log in to PostgreSQL: creating role kvs_ci"
  runuser -u postgres -- psql -q -d postgres -c \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kvs_ci') THEN
       CREATE ROLE kvs_ci LOGIN SUPERUSER PASSWORD 'kvs_ci'; END IF; END \$\$;"
  export KVS_TEST_PG_URL=postgresql://kvs_ci:kvs_ci@127.0.0.1:5432/postgres
fi
echo "PostgreSQL answers on 127.0.0.1:5432"
