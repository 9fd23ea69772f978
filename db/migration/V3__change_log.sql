-- A deleted record stays as a tombstone until the purge removes it (see SqlStatements.DELETE);
-- the flag tells it apart from a record that expired, so that only the latter is logged as an
-- "expire" change when the purge removes it. Adding a column with a constant default rewrites nothing.
ALTER TABLE kv ADD COLUMN deleted boolean NOT NULL DEFAULT false;

-- The change log: one row per committed change, written by the very statement that makes the
-- change (so a change is logged if and only if it commits). The live feed on the event bus is read
-- from here, and so is a consumer's catch-up after a gap.
-- Order: (txid, seq). seq alone is not safe to resume from: numbers are drawn before commit, so a
-- smaller one can become visible after a larger one was read. Readers only take rows whose
-- transaction is older than every transaction still running (pg_snapshot_xmin), and those can no
-- longer appear or change: a cursor (txid, seq) never skips a row.
CREATE TABLE kv_changes (
    txid       xid8             NOT NULL DEFAULT pg_current_xact_id(),
    seq        bigint           GENERATED ALWAYS AS IDENTITY,
    ns         text COLLATE "C" NOT NULL,
    key        text COLLATE "C" NOT NULL,
    op         text             NOT NULL CHECK (op IN ('write', 'delete', 'expire')),
    created_at timestamptz      NOT NULL,
    expired_at timestamptz      NOT NULL,
    logged_at  timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT kv_changes_pkey PRIMARY KEY (txid, seq)
);

-- A namespace's catch-up reads its own changes only.
CREATE INDEX kv_changes_ns_idx ON kv_changes (ns, txid, seq);

-- How far the retention trim has gone: a cursor before this point may have lost changes (410).
CREATE TABLE kv_changes_trimmed (
    only_row boolean NOT NULL DEFAULT true CHECK (only_row),
    txid     xid8    NOT NULL,
    seq      bigint  NOT NULL,
    CONSTRAINT kv_changes_trimmed_pkey PRIMARY KEY (only_row)
);
INSERT INTO kv_changes_trimmed (txid, seq) VALUES ('0', 0);

-- Where each cluster's feed publisher has got to, so that the member taking over from one that
-- stopped goes on from there.
CREATE TABLE kv_feed_position (
    cluster    text        NOT NULL,
    txid       xid8        NOT NULL,
    seq        bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kv_feed_position_pkey PRIMARY KEY (cluster)
);
