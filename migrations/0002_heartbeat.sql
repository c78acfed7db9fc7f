-- One row /readyz rewrites to prove the store still takes writes (a read-only file or a full disk fails here).
CREATE TABLE heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);
