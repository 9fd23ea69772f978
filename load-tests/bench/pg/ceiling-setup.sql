-- The ceiling's table: KVS's kv table with nothing in front of it, for pgbench.sh to drive.
-- It DROPS and recreates kv, so run it only in a scratch database of its own, e.g.
--   createdb kvs_bench_ceiling
--   psql -v ON_ERROR_STOP=1 -d kvs_bench_ceiling -f load-tests/bench/pg/ceiling-setup.sql
-- (kvs-vs-ceiling.sh does this in "<KVS_BENCH_DB>_ceiling" before every sitting).
--
-- Same shape as db/migration/V1__kv.sql, less what a benchmark write does not use:
-- * value is text, not jsonb: KVS validates the client's JSON and stores the compact text as
--   is, serving the same bytes back, so PostgreSQL does no JSON work there either;
-- * ns and key use the C collation and (ns, key) is the primary key, as in KVS;
-- * there is no metadata column and no expired_at index (KVS keeps one for its purge, which
--   makes each of its overwrites update an index more than the ceiling's do).
SET client_min_messages = warning;
DROP TABLE IF EXISTS kv;

CREATE TABLE kv (
    ns         text COLLATE "C" NOT NULL,
    key        text COLLATE "C" NOT NULL,
    value      text             NOT NULL,
    created_at timestamptz      NOT NULL,
    expired_at timestamptz      NOT NULL,
    PRIMARY KEY (ns, key)
);

-- 100,000 records k1..k100000 in namespace bench; each value is ~170 bytes of compact JSON,
-- the size of what lua/kvs-load.lua writes through KVS.
INSERT INTO kv (ns, key, value, created_at, expired_at)
SELECT 'bench',
       'k' || i,
       '{"payload":"' || repeat('x', 150) || '","n":' || i || '}',
       date_trunc('milliseconds', now()),
       date_trunc('milliseconds', now() + interval '30 days')
FROM generate_series(1, 100000) AS i;

VACUUM ANALYZE kv;
