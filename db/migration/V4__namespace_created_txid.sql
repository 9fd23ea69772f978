-- The transaction that created a namespace (or created it again after a deletion): a catch-up read
-- of its changes shows only those of later transactions, so a namespace created again under an old
-- name never shows the change log of the one deleted before it, should any of it be left.
-- txid orders the way this needs: a write is admitted only once the namespace's creation has
-- committed, so it gets a later transaction id. No clock is involved.
-- NULL for the namespaces that exist now: their whole log is theirs. Adding a nullable column
-- rewrites nothing; the default, set apart, applies to new rows only.
ALTER TABLE namespaces ADD COLUMN created_txid xid8;
ALTER TABLE namespaces ALTER COLUMN created_txid SET DEFAULT pg_current_xact_id();
