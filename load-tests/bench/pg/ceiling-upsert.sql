-- pgbench script: what a KVS PUT asks of PostgreSQL, one statement that inserts or overwrites
-- a random key with a ~170-byte JSON value and returns the new times (compare UPSERT in KVS's
-- SqlStatements: created_at moves forward by at least 1 ms on every overwrite).
\set n random(1, 100000)
INSERT INTO kv AS t (ns, key, value, created_at, expired_at)
VALUES ('bench', 'k' || :n, '{"payload":"' || repeat('y', 150) || '","n":2}',
        date_trunc('milliseconds', now()), date_trunc('milliseconds', now() + interval '1 day'))
ON CONFLICT (ns, key) DO UPDATE
SET value = EXCLUDED.value,
    created_at = GREATEST(EXCLUDED.created_at, t.created_at + interval '1 millisecond'),
    expired_at = EXCLUDED.expired_at
RETURNING created_at, expired_at;
