-- An incident's active signals, a row each. They were a map in the incident's detail, rewritten whole with every
-- change: a distributed attack keeps thousands of principals firing, each refreshed once a minute, and every refresh
-- rewrote all of them (380 KB a write in the credential-stuffing scenario). Now a refresh rewrites its own row.
-- Rows keep the order signals first joined in (their id), as the map kept its keys.
CREATE TABLE incident_signals (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  detector    TEXT    NOT NULL,
  key         TEXT    NOT NULL,
  family      TEXT    NOT NULL,
  class       TEXT    NOT NULL,
  severity    TEXT    NOT NULL,
  summary     TEXT    NOT NULL,
  ts          INTEGER NOT NULL
);
CREATE UNIQUE INDEX incident_signals_key ON incident_signals (incident_id, detector, key);

INSERT INTO incident_signals (incident_id, detector, key, family, class, severity, summary, ts)
  SELECT i.id, json_extract(a.value, '$.detector'), json_extract(a.value, '$.key'), json_extract(a.value, '$.family'),
         json_extract(a.value, '$.class'), json_extract(a.value, '$.severity'), json_extract(a.value, '$.summary'),
         json_extract(a.value, '$.ts')
  FROM incidents i, json_each(i.detail, '$.active') a
  ORDER BY i.id, a.id;
UPDATE incidents SET detail = json_remove(detail, '$.active') WHERE json_type(detail, '$.active') IS NOT NULL;
