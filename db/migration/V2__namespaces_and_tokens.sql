-- Namespaces: the unit of isolation, each with its own limits. A NULL limit follows the server's
-- default (KVS_TTL_MAX_MINUTES, KVS_MAX_VALUE_BYTES, KVS_MAX_METADATA_BYTES,
-- KVS_DEFAULT_REQUESTS_PER_SECOND), so a namespace created without limits tracks them.
-- deleting_since: the namespace is being deleted; its records are removed in batches and the
-- row itself goes once no write that started before the deletion can still be in flight.
CREATE TABLE namespaces (
    name                text COLLATE "C" NOT NULL,
    max_ttl_minutes     bigint,
    max_value_bytes     integer,
    max_metadata_bytes  integer,
    requests_per_second integer,
    created_at          timestamptz NOT NULL DEFAULT now(),
    deleting_since      timestamptz,
    CONSTRAINT namespaces_pkey PRIMARY KEY (name)
);

-- The namespaces that already hold records keep working, with the default limits. A loose index
-- scan over kv's primary key: one probe per namespace, not a pass over every record.
INSERT INTO namespaces (name)
WITH RECURSIVE found (ns) AS (
    SELECT min(ns) FROM kv
    UNION ALL
    SELECT (SELECT min(ns) FROM kv WHERE kv.ns > found.ns) FROM found WHERE found.ns IS NOT NULL
)
SELECT ns FROM found WHERE ns IS NOT NULL;

-- Tokens: only the SHA-256 of the secret is stored. A data token belongs to one namespace (and
-- goes with it); an admin token has none.
CREATE TABLE tokens (
    id          text        NOT NULL,
    secret_hash bytea       NOT NULL,
    namespace   text COLLATE "C" REFERENCES namespaces (name) ON DELETE CASCADE,
    scopes      text[]      NOT NULL,
    description text,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tokens_pkey PRIMARY KEY (id),
    CONSTRAINT tokens_secret_hash_key UNIQUE (secret_hash),
    CONSTRAINT tokens_admin_has_no_namespace CHECK ((namespace IS NULL) = ('admin' = ANY (scopes)))
);

CREATE INDEX tokens_namespace_idx ON tokens (namespace);
