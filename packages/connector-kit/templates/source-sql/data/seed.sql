-- The sample source: a relational table the connector reads with a cursor.
-- Re-runnable: creating the database twice gives the same content.
CREATE TABLE IF NOT EXISTS stations (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  city      TEXT NOT NULL,
  country   TEXT NOT NULL,
  capacity  INTEGER NOT NULL,
  longitude REAL NOT NULL,
  latitude  REAL NOT NULL,
  opened    INTEGER,
  contact   TEXT
);

INSERT OR REPLACE INTO stations (id, name, city, country, capacity, longitude, latitude, opened, contact) VALUES
  ('LDN-01', 'London Bridge', 'London', 'GB', 120, -0.0877, 51.5079, 1836, 'ops-london@example.org'),
  ('PAR-01', 'Gare du Nord', 'Paris', 'FR', 200, 2.3553, 48.8809, 1846, 'ops-paris@example.org'),
  ('BER-01', 'Berlin Hauptbahnhof', 'Berlin', 'DE', 180, 13.3695, 52.5251, 2006, 'ops-berlin@example.org'),
  ('MAD-01', 'Madrid Atocha', 'Madrid', 'ES', 150, -3.6907, 40.4066, 1851, 'ops-madrid@example.org'),
  ('ROM-01', 'Roma Termini', 'Rome', 'IT', 160, 12.5018, 41.901, 1862, 'ops-rome@example.org');
