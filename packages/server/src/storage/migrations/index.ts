/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction;
 * `PRAGMA user_version` records the last one applied. Never edit a shipped
 * migration: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- AUTOINCREMENT: user ids only increase and are never reused (spec §2.3)
CREATE TABLE users (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL UNIQUE,
  organization TEXT NOT NULL,
  addendum     TEXT NOT NULL DEFAULT '{}',
  created      TEXT NOT NULL
);

CREATE TABLE entity_types (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  schema      TEXT NOT NULL DEFAULT '{}',
  timeseries  TEXT NOT NULL DEFAULT '{}',
  tags        TEXT NOT NULL DEFAULT '[]',
  icon        TEXT NOT NULL DEFAULT '',
  indexes     TEXT NOT NULL DEFAULT '[]',
  version     INTEGER NOT NULL DEFAULT 1,
  created     TEXT NOT NULL
);

-- connector slugs are unique across the whole instance (spec §2.2 Fix)
CREATE TABLE connectors (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  slug            TEXT NOT NULL UNIQUE,
  entity_type_id  INTEGER NOT NULL REFERENCES entity_types(id) ON DELETE CASCADE,
  contribution_id TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  description     TEXT NOT NULL,
  webhook         TEXT,
  cache           INTEGER NOT NULL DEFAULT 0,
  is_live         INTEGER NOT NULL DEFAULT 0,
  webhook_secret  TEXT NOT NULL,
  created         TEXT NOT NULL
);
CREATE INDEX connectors_entity ON connectors(entity_type_id);

CREATE TABLE policies (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  tags        TEXT NOT NULL DEFAULT '[]',
  policy      TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  created     TEXT NOT NULL
);

CREATE TABLE accesses (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
  created   TEXT NOT NULL,
  UNIQUE (user_id, policy_id)
);
CREATE INDEX accesses_policy ON accesses(policy_id);

-- Tokens: only a hash of the secret is stored. Revocation marks the row; a
-- revoked token answers 403, an unknown one 401 (spec §6.1).
-- subject: users.id (coordinator), connectors.id (contributor), accesses.id (consumer)
CREATE TABLE tokens (
  key_id   TEXT PRIMARY KEY,
  kind     TEXT NOT NULL CHECK (kind IN ('coordinator', 'contributor', 'consumer')),
  hash     BLOB NOT NULL,
  subject  INTEGER NOT NULL,
  created  TEXT NOT NULL,
  revoked  TEXT
);
CREATE INDEX tokens_subject ON tokens(kind, subject);

-- Revocation by construction: whatever deletes a token's subject (directly or
-- through a cascade) revokes the token in the same transaction.
CREATE TRIGGER users_revoke AFTER DELETE ON users BEGIN
  UPDATE tokens SET revoked = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE kind = 'coordinator' AND subject = OLD.id AND revoked IS NULL;
END;
CREATE TRIGGER connectors_revoke AFTER DELETE ON connectors BEGIN
  UPDATE tokens SET revoked = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE kind = 'contributor' AND subject = OLD.id AND revoked IS NULL;
END;
CREATE TRIGGER accesses_revoke AFTER DELETE ON accesses BEGIN
  UPDATE tokens SET revoked = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE kind = 'consumer' AND subject = OLD.id AND revoked IS NULL;
END;

-- One open session per connector (spec §3.5)
CREATE TABLE sessions (
  connector_id INTEGER PRIMARY KEY REFERENCES connectors(id) ON DELETE CASCADE,
  session_id   TEXT NOT NULL UNIQUE,
  mode         TEXT NOT NULL CHECK (mode IN ('stream', 'accrue', 'replace')),
  created      TEXT NOT NULL
);

-- Pending operations of accrue/replace sessions, applied in seq order on commit
CREATE TABLE session_ops (
  seq          INTEGER PRIMARY KEY,
  connector_id INTEGER NOT NULL REFERENCES sessions(connector_id) ON DELETE CASCADE,
  op           TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  vendor_id    TEXT NOT NULL,
  doc          BLOB
);
CREATE INDEX session_ops_connector ON session_ops(connector_id, seq);

-- The catalog. seq = insertion order (lists are ordered by it).
CREATE TABLE records (
  seq          INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  connector_id INTEGER NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  type         TEXT NOT NULL,
  vendor_id    TEXT NOT NULL,
  name         TEXT NOT NULL,
  doc          BLOB NOT NULL
);
-- public_id = sha1(contribution id, vendor id) is one-to-one with (connector, vendor id), so it
-- is the only unique key: a second unique index on random keys would double the pages each
-- write dirties. connector_id serves replace commits and cascades.
CREATE INDEX records_connector ON records(connector_id);
CREATE INDEX records_type ON records(type, seq);

-- Spatial index of every GeoJSON geometry found in a record (entity/instance)
CREATE VIRTUAL TABLE record_geo USING rtree(id, min_x, max_x, min_y, max_y, +record_seq INTEGER, +path TEXT);
CREATE TABLE record_geo_map (record_seq INTEGER NOT NULL, geo_id INTEGER NOT NULL, PRIMARY KEY (record_seq, geo_id)) WITHOUT ROWID;
CREATE TRIGGER records_geo_cleanup AFTER DELETE ON records BEGIN
  DELETE FROM record_geo WHERE id IN (SELECT geo_id FROM record_geo_map WHERE record_seq = OLD.seq);
  DELETE FROM record_geo_map WHERE record_seq = OLD.seq;
END;

-- Quota counters per access (or per policy in development mode), per window
CREATE TABLE usage (
  key     TEXT NOT NULL,
  window  TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (key, window)
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'contribution write path',
    sql: `
-- pending upserts carry their public id and geometries, so a commit copies the JSONB
-- document as is, without re-parsing it in JS
ALTER TABLE session_ops ADD COLUMN public_id TEXT;
ALTER TABLE session_ops ADD COLUMN geo TEXT;

-- an upsert that replaces a record drops its old geometries; the writer then indexes the new ones
CREATE TRIGGER records_geo_update AFTER UPDATE OF doc ON records BEGIN
  DELETE FROM record_geo WHERE id IN (SELECT geo_id FROM record_geo_map WHERE record_seq = OLD.seq);
  DELETE FROM record_geo_map WHERE record_seq = OLD.seq;
END;
`,
  },
  {
    version: 3,
    name: 'write only what changed',
    sql: `
-- The record's geometries as indexed (JSON of [{path, bbox}], NULL when it has none), so a
-- write can tell whether its spatial index rows must change. '?' = not known (records
-- stored before this migration): the next write of such a record re-indexes it.
ALTER TABLE records ADD COLUMN geo TEXT DEFAULT '?';

-- The writer now drops and re-adds spatial index rows itself, only when the geometries
-- changed, set-based on commits (the per-row trigger fired on every update).
DROP TRIGGER records_geo_update;

-- Pending operations without the foreign key, so that discarding a session's operations
-- when it is the only one pending is SQLite's truncate (pages freed, not rewritten one row
-- at a time); a trigger on sessions takes over the cascade. A pending upsert also notes what
-- it will do to the catalog, compared when it was posted (a connector's records change only
-- through its one open session, so this holds until commit): the record it updates, if any,
-- and whether the stored document and geometries are the same.
CREATE TABLE session_ops_next (
  seq          INTEGER PRIMARY KEY,
  connector_id INTEGER NOT NULL,
  op           TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  vendor_id    TEXT NOT NULL,
  doc          BLOB,
  public_id    TEXT,
  geo          TEXT,
  rec_seq      INTEGER, -- the stored record with this key, NULL when none
  same_doc     INTEGER, -- 1 when it is stored with this very document and type
  same_geo     INTEGER  -- 1 when its indexed geometries are these
);
INSERT INTO session_ops_next (seq, connector_id, op, vendor_id, doc, public_id, geo, rec_seq, same_doc, same_geo)
  SELECT o.seq, o.connector_id, o.op, o.vendor_id, o.doc, o.public_id, o.geo,
         r.seq, r.doc IS o.doc AND r.type IS e.slug, r.geo IS o.geo
  FROM session_ops o
  LEFT JOIN records r ON r.public_id = o.public_id
  LEFT JOIN connectors c ON c.id = o.connector_id LEFT JOIN entity_types e ON e.id = c.entity_type_id;
DROP TABLE session_ops;
ALTER TABLE session_ops_next RENAME TO session_ops;
CREATE INDEX session_ops_connector ON session_ops(connector_id, seq);
CREATE TRIGGER sessions_ops_cleanup AFTER DELETE ON sessions BEGIN
  DELETE FROM session_ops WHERE connector_id = OLD.connector_id;
END;
`,
  },
  {
    version: 4,
    name: 'access usage and violations',
    sql: `
-- Consumer usage per access and UTC day, written behind in batches (docs/USAGE.md).
-- calls counts every call of the access's token on the consumer routes, refused ones included;
-- records = items served (list length, 1 for a detail, points of a timeseries).
CREATE TABLE access_usage (
  access_id     INTEGER NOT NULL REFERENCES accesses(id) ON DELETE CASCADE,
  day           TEXT NOT NULL,
  calls         INTEGER NOT NULL DEFAULT 0,
  records       INTEGER NOT NULL DEFAULT 0,
  rate_limited  INTEGER NOT NULL DEFAULT 0,
  quota_limited INTEGER NOT NULL DEFAULT 0,
  last_used     TEXT,
  PRIMARY KEY (access_id, day)
) WITHOUT ROWID;

-- Flags raised by the violation detectors; one open flag per (access, detector), counting
-- how often it was raised again. Dismissed flags are kept, marked.
CREATE TABLE violations (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  access_id  INTEGER NOT NULL REFERENCES accesses(id) ON DELETE CASCADE,
  detector   TEXT NOT NULL,
  severity   TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  evidence   TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen  TEXT NOT NULL,
  count      INTEGER NOT NULL DEFAULT 1,
  dismissed  TEXT
);
CREATE UNIQUE INDEX violations_open ON violations(access_id, detector) WHERE dismissed IS NULL;
CREATE INDEX violations_access ON violations(access_id);

-- Per-access guard: suspend the access automatically when a detector flags it; suspended
-- accesses are refused with 403 until a coordinator lifts the suspension.
CREATE TABLE access_guards (
  access_id    INTEGER PRIMARY KEY REFERENCES accesses(id) ON DELETE CASCADE,
  auto_suspend INTEGER NOT NULL DEFAULT 0,
  suspended    TEXT,
  reason       TEXT
);
`,
  },
  {
    version: 5,
    name: 'audit trail',
    sql: `
-- The append-only, hash-chained audit log (docs/AUDIT.md). seq is assigned by the appender
-- (head + 1, inside the IMMEDIATE transaction that appends), since it is part of the hash.
CREATE TABLE audit (
  seq        INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,  -- ISO-8601 UTC with milliseconds
  actor      TEXT NOT NULL,  -- coordinator:3, contributor:<connector slug>, consumer:<access id>, system
  action     TEXT NOT NULL,  -- user.create, token.reissue, session.commit, consumer.activity…
  target     TEXT NOT NULL,  -- user:3, policy:<slug>, connector:<slug>, access:<uid>/<policy>
  detail     TEXT NOT NULL,  -- canonical JSON; never a token, token hash or webhook secret
  prev_hash  TEXT NOT NULL,  -- hash of entry seq - 1; 64 zeros for the first
  hash       TEXT NOT NULL   -- sha256 of the canonical JSON of the fields above
);
CREATE INDEX audit_actor ON audit(actor, seq);
CREATE INDEX audit_target ON audit(target, seq);
CREATE INDEX audit_action ON audit(action, seq);
CREATE INDEX audit_at ON audit(at);
-- bbk itself never changes or removes an entry; the hash chain catches whoever does
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`,
  },
  {
    version: 6,
    name: 'token lifetimes',
    sql: `
-- A token may carry an expiry (ISO-8601 UTC, NULL = never; an expired one answers 401), and
-- remembers when it was last accepted (ISO-8601 UTC, NULL = never). last_used is written in
-- batches from memory (auth/token-usage.ts), never once per request.
ALTER TABLE tokens ADD COLUMN expires TEXT;
ALTER TABLE tokens ADD COLUMN last_used TEXT;
`,
  },
  {
    version: 7,
    name: 'fast without tuning',
    sql: `
-- Indexes the server built itself on what consumers ask (storage/sqlite/auto-indexes.ts): expression
-- indexes on the paths they filter on, and the trigram index of record names when they regex on names.
CREATE TABLE auto_indexes (
  name    TEXT PRIMARY KEY,  -- records_a_<hash of the path>, or record_names
  path    TEXT NOT NULL,     -- the dotted path
  kind    TEXT NOT NULL CHECK (kind IN ('expression', 'trigram')),
  created TEXT NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'pending geometries as rows',
    sql: `
-- A pending upsert's geometries, one row each, written when it is posted (json_each of
-- session_ops.geo), so a set-based commit adds them to the R-tree without parsing JSON while the
-- connector waits (storage/sqlite/records/commit.ts). Dropped with their operations.
CREATE TABLE session_geo (
  op_seq INTEGER NOT NULL,  -- the pending upsert (session_ops.seq)
  n      INTEGER NOT NULL,  -- its place among the record's geometries
  path   TEXT,
  min_x  REAL, max_x REAL, min_y REAL, max_y REAL,  -- as the R-tree will take them
  PRIMARY KEY (op_seq, n)
) WITHOUT ROWID;
INSERT INTO session_geo (op_seq, n, path, min_x, max_x, min_y, max_y)
  SELECT o.seq, g.key, g.value ->> '$.path',
         g.value ->> '$.bbox[0]', g.value ->> '$.bbox[2]', g.value ->> '$.bbox[1]', g.value ->> '$.bbox[3]'
  FROM session_ops o, json_each(o.geo) g WHERE o.op = 'upsert' AND o.geo IS NOT NULL;
DROP TRIGGER sessions_ops_cleanup;
CREATE TRIGGER sessions_ops_cleanup AFTER DELETE ON sessions BEGIN
  DELETE FROM session_geo WHERE op_seq IN (SELECT seq FROM session_ops WHERE connector_id = OLD.connector_id);
  DELETE FROM session_ops WHERE connector_id = OLD.connector_id;
END;
`,
  },
  {
    version: 9,
    name: 'points beside the R-tree',
    sql: `
-- A geometry that is one point (its bbox has no extent: a GeoJSON Point, or a line or polygon whose
-- coordinates all coincide) is indexed here rather than in the R-tree: a B-tree insert costs a third of
-- an R-tree insert, and country-like records carry one point each (storage/sqlite/records/spatial-index.ts).
-- A geo prefilter reads both (query/render-sqlite.ts). The index on (path, x, y) holds the primary key,
-- so a prefilter reads no row of the table.
CREATE TABLE record_points (
  record_seq INTEGER NOT NULL,
  n          INTEGER NOT NULL,  -- its place among the record's geometries (a path can repeat: keys may hold dots)
  path       TEXT NOT NULL,
  x          REAL NOT NULL,
  y          REAL NOT NULL,
  PRIMARY KEY (record_seq, n)
) WITHOUT ROWID;
-- The index is rebuilt: the points of records whose geometries are known go to record_points, their other
-- geometries to a new R-tree. Records stored before migration 3 (geo '?') keep the rows they have until their
-- next write. A rebuild rather than a delete of the points' rows: an R-tree deletes row by row (7 µs a row), and
-- most rows move. The records are read once (a million in about 2 s), and the points' index is built after them.
CREATE TEMP TABLE migrate_geo (
  seq INTEGER NOT NULL, n INTEGER NOT NULL, path TEXT, min_x REAL, max_x REAL, min_y REAL, max_y REAL,
  PRIMARY KEY (seq, n)
) WITHOUT ROWID;
INSERT INTO migrate_geo (seq, n, path, min_x, max_x, min_y, max_y)
  SELECT r.seq, g.key, g.value ->> '$.path',
         g.value ->> '$.bbox[0]', g.value ->> '$.bbox[2]', g.value ->> '$.bbox[1]', g.value ->> '$.bbox[3]'
  FROM records r, json_each(nullif(r.geo, '?')) g;
INSERT INTO record_points (record_seq, n, path, x, y)
  SELECT seq, n, path, min_x, min_y FROM migrate_geo
  WHERE path IS NOT NULL AND min_x = max_x AND min_y = max_y;
CREATE INDEX record_points_xy ON record_points (path, x, y);
CREATE TEMP TABLE migrate_kept_geo AS
  SELECT g.id, g.min_x, g.max_x, g.min_y, g.max_y, g.record_seq, g.path
  FROM record_geo_map m JOIN record_geo g ON g.id = m.geo_id
  WHERE m.record_seq NOT IN (SELECT seq FROM migrate_geo);
DROP TABLE record_geo;
CREATE VIRTUAL TABLE record_geo USING rtree(id, min_x, max_x, min_y, max_y, +record_seq INTEGER, +path TEXT);
DELETE FROM record_geo_map;
INSERT INTO record_geo (id, min_x, max_x, min_y, max_y, record_seq, path)
  SELECT id, min_x, max_x, min_y, max_y, record_seq, path FROM migrate_kept_geo ORDER BY id;
INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path)
  SELECT min_x, max_x, min_y, max_y, seq, path FROM migrate_geo
  WHERE NOT (path IS NOT NULL AND min_x = max_x AND min_y = max_y) ORDER BY seq, n;
INSERT INTO record_geo_map (record_seq, geo_id) SELECT record_seq, id FROM record_geo;
DROP TABLE migrate_kept_geo;
DROP TABLE migrate_geo;
DROP TRIGGER records_geo_cleanup;
CREATE TRIGGER records_geo_cleanup AFTER DELETE ON records BEGIN
  DELETE FROM record_geo WHERE id IN (SELECT geo_id FROM record_geo_map WHERE record_seq = OLD.seq);
  DELETE FROM record_geo_map WHERE record_seq = OLD.seq;
  DELETE FROM record_points WHERE record_seq = OLD.seq;
END;
`,
  },
  {
    version: 10,
    name: 'compound automatic indexes',
    sql: `
-- An automatic index may be compound: two paths, an equality's and a range's, for the queries that AND them
-- (storage/auto-indexes.ts); its path is the JSON array of both. The kind's CHECK is widened by copying the table.
CREATE TABLE auto_indexes_new (
  name    TEXT PRIMARY KEY,  -- records_a_<hash of the path or paths>, or record_names
  path    TEXT NOT NULL,     -- the dotted path; of a compound index, the JSON array of its two
  kind    TEXT NOT NULL CHECK (kind IN ('expression', 'trigram', 'compound')),
  created TEXT NOT NULL
);
INSERT INTO auto_indexes_new (name, path, kind, created) SELECT name, path, kind, created FROM auto_indexes;
DROP TABLE auto_indexes;
ALTER TABLE auto_indexes_new RENAME TO auto_indexes;
`,
  },
];
