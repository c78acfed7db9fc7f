-- picket's initial schema. Times are milliseconds since the epoch (INTEGER); latencies in probe rows are
-- microseconds (INTEGER), which SQLite stores in 3-4 bytes instead of 8 for a REAL.

-- Checks as last loaded from config, with the state the scheduler keeps across restarts.
CREATE TABLE checks (
  key                   INTEGER PRIMARY KEY,
  id                    TEXT    NOT NULL UNIQUE,
  service               TEXT    NOT NULL,
  kind                  TEXT    NOT NULL,
  name                  TEXT,
  target                TEXT    NOT NULL,
  interval_ms           INTEGER NOT NULL,
  config_hash           TEXT    NOT NULL,
  state                 TEXT    NOT NULL DEFAULT 'unknown' CHECK (state IN ('unknown', 'up', 'down')),
  state_since           INTEGER,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  consecutive_successes INTEGER NOT NULL DEFAULT 0,
  last_run_at           INTEGER,
  last_result           TEXT,                       -- JSON of the last probe result (no credentials)
  findings              TEXT    NOT NULL DEFAULT '[]', -- JSON of the findings currently raised
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  removed_at            INTEGER                     -- set when the check leaves the config; history stays
);
CREATE INDEX checks_service ON checks (service) WHERE removed_at IS NULL;

-- One row per probe run (raw), kept for storage.retention.raw. Rows arrive in time order, so retention
-- deletes from the low end of the rowid without an index on ts.
CREATE TABLE probe_results (
  check_key       INTEGER NOT NULL REFERENCES checks (key),
  ts              INTEGER NOT NULL,
  ok              INTEGER NOT NULL,
  status          INTEGER,
  error           TEXT,     -- dns | refused | timeout | tls | reset | status | assertion
  assertion       TEXT,     -- which assertion failed
  dns_us          INTEGER,
  tcp_us          INTEGER,
  tls_us          INTEGER,
  first_byte_us   INTEGER,
  total_us        INTEGER,
  cert_expires_at INTEGER
);
CREATE INDEX probe_results_check_ts ON probe_results (check_key, ts);

-- Rollups per resolution (60, 3600 or 86400 seconds). hist is a sparse log-bucket latency histogram
-- (src/store/histogram.ts) so percentiles survive rollup.
CREATE TABLE probe_rollups (
  check_key  INTEGER NOT NULL,
  resolution INTEGER NOT NULL,
  bucket     INTEGER NOT NULL,   -- start of the bucket, seconds since the epoch
  runs       INTEGER NOT NULL,
  ok_runs    INTEGER NOT NULL,
  lat_runs   INTEGER NOT NULL,   -- runs with a latency (an answer arrived)
  lat_sum_us INTEGER NOT NULL,
  lat_min_us INTEGER,
  lat_max_us INTEGER,
  hist       BLOB    NOT NULL,
  PRIMARY KEY (check_key, resolution, bucket)
) WITHOUT ROWID;

-- A webhook request as received: kept raw for audit and for dedup by body hash. Rows arrive in time order, so
-- retention deletes from the low end of the rowid; no index on received_at is needed.
CREATE TABLE webhook_deliveries (
  id           INTEGER PRIMARY KEY,
  source       TEXT    NOT NULL,
  body_hash    BLOB    NOT NULL,   -- first 16 bytes of SHA-256
  content_type TEXT,
  raw_body     BLOB    NOT NULL,
  received_at  INTEGER NOT NULL,
  delivery_key TEXT                -- the sender's delivery id (Standard Webhooks webhook-id), for replays
);
CREATE INDEX webhook_deliveries_dedup ON webhook_deliveries (source, body_hash, received_at);
CREATE UNIQUE INDEX webhook_deliveries_key ON webhook_deliveries (source, delivery_key) WHERE delivery_key IS NOT NULL;

-- Normalized external events, one or more per delivery; retention deletes by rowid, like deliveries.
CREATE TABLE external_events (
  id               INTEGER PRIMARY KEY,
  delivery_id      INTEGER,   -- no foreign key: deliveries are trimmed sooner (raw retention) than events
  source           TEXT    NOT NULL,
  event_id         TEXT,
  monitor_key      TEXT    NOT NULL,
  name             TEXT,
  url              TEXT,
  state            TEXT    NOT NULL CHECK (state IN ('down', 'up', 'degraded', 'unknown')),
  status_code      INTEGER,
  response_time_ms REAL,
  reason           TEXT,
  location         TEXT,
  occurred_at      INTEGER NOT NULL,
  received_at      INTEGER NOT NULL,
  service          TEXT    NOT NULL,
  service_derived  INTEGER NOT NULL DEFAULT 0  -- 1 when no configured monitor matched and the URL host named it
);
CREATE UNIQUE INDEX external_events_source_event ON external_events (source, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX external_events_source_id ON external_events (source, id);

-- Telemetry aggregated per minute; detectors read the stream, the API and baselines read these.
CREATE TABLE telemetry_minutes (
  service        TEXT    NOT NULL,
  route          TEXT    NOT NULL,
  minute         INTEGER NOT NULL,  -- minutes since the epoch
  status         INTEGER NOT NULL,
  auth           TEXT    NOT NULL CHECK (auth IN ('success', 'failure', 'none')),
  count          INTEGER NOT NULL,
  latency_sum_ms REAL    NOT NULL,
  latency_max_ms REAL    NOT NULL,
  bytes_out      INTEGER NOT NULL,
  PRIMARY KEY (service, minute, route, status, auth)
) WITHOUT ROWID;
CREATE INDEX telemetry_minutes_minute ON telemetry_minutes (minute);

-- Raw records of failed authentications, bounded by retention, as incident evidence.
CREATE TABLE auth_failures (
  id      INTEGER PRIMARY KEY,
  ts      INTEGER NOT NULL,
  service TEXT    NOT NULL,
  route   TEXT    NOT NULL,
  status  INTEGER NOT NULL,
  ip      TEXT    NOT NULL,
  user    TEXT,
  country TEXT,
  asn     INTEGER,
  ua      TEXT
);
CREATE INDEX auth_failures_service_ts ON auth_failures (service, ts);

CREATE TABLE incidents (
  id                 INTEGER PRIMARY KEY,
  key                TEXT    NOT NULL,   -- service and class family: one open incident per key
  service            TEXT    NOT NULL,
  class              TEXT    NOT NULL,
  severity           TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state              TEXT    NOT NULL CHECK (state IN ('open', 'resolved')),
  summary            TEXT    NOT NULL,
  evidence           TEXT    NOT NULL DEFAULT '{}',
  detail             TEXT    NOT NULL DEFAULT '{}',  -- the correlator's state: active signals, families seen
  opened_at          INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  last_signal_at     INTEGER NOT NULL,
  acknowledged_at    INTEGER,
  acknowledged_by    TEXT,
  resolved_at        INTEGER,
  resolve_reason     TEXT,
  policy             TEXT,
  escalation_level   INTEGER NOT NULL DEFAULT -1,  -- last level paged; -1 before the first
  next_escalation_at INTEGER,                       -- stored so a restart resumes the timer
  last_paged_at      INTEGER
);
CREATE UNIQUE INDEX incidents_open_key ON incidents (key) WHERE state = 'open';
CREATE INDEX incidents_state_opened ON incidents (state, opened_at);
CREATE INDEX incidents_opened ON incidents (opened_at);
CREATE INDEX incidents_next_escalation ON incidents (next_escalation_at) WHERE state = 'open' AND next_escalation_at IS NOT NULL;

-- The timeline: every signal, severity change, page, ack and resolve of an incident.
CREATE TABLE incident_events (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  ts          INTEGER NOT NULL,
  kind        TEXT    NOT NULL,
  message     TEXT    NOT NULL,
  detail      TEXT
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- Notifications to deliver, written in the same transaction as the incident change that caused them.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  incident_id      INTEGER REFERENCES incidents (id),
  channel          TEXT    NOT NULL,
  step             TEXT    NOT NULL,
  idempotency_key  TEXT    NOT NULL UNIQUE,   -- (incident, step, channel)
  payload          TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  first_attempt_at INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  delivered_at     INTEGER,
  dead_at          INTEGER
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_incident ON outbox (incident_id, id);
CREATE INDEX outbox_state ON outbox (state, id);

CREATE TABLE silences (
  id         INTEGER PRIMARY KEY,
  service    TEXT,
  class      TEXT,
  check_id   TEXT,
  reason     TEXT    NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  starts_at  INTEGER NOT NULL,
  ends_at    INTEGER NOT NULL,
  CHECK (service IS NOT NULL OR class IS NOT NULL OR check_id IS NOT NULL)
);
CREATE INDEX silences_ends ON silences (ends_at);

-- Learned baselines and other detector state, so a restart does not forget a week of learning.
CREATE TABLE detector_state (
  key        TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
