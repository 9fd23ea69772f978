-- One row per live (or not yet purged) record.
-- value and metadata are compact JSON text validated by the service: stored and served byte for
-- byte, with no jsonb parse on write and no jsonb-to-text rendering on read (measured faster).
-- ns and key use the C collation so that keyset pagination runs in plain byte order.
CREATE TABLE kv (
    ns         text COLLATE "C" NOT NULL,
    key        text COLLATE "C" NOT NULL,
    value      text             NOT NULL,
    metadata   text,
    created_at timestamptz      NOT NULL,
    expired_at timestamptz      NOT NULL,
    CONSTRAINT kv_pkey PRIMARY KEY (ns, key)
);

-- Serves the purge: expired rows are found by range scan, never by a full table scan.
CREATE INDEX kv_expired_at_idx ON kv (expired_at);
