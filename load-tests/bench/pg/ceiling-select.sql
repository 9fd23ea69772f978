-- pgbench script: what a KVS GET asks of PostgreSQL, the live record of one random key,
-- looked up by primary key (compare SELECT_LIVE in KVS's SqlStatements).
\set n random(1, 100000)
SELECT value, created_at, expired_at
FROM kv
WHERE ns = 'bench' AND key = 'k' || :n AND expired_at > now();
