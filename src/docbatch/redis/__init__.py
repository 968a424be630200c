"""Redis, cache and transport only: the client, the keys, the stage cache, batch
progress, the metrics series and cache warming. The SQL database is the system of record."""
