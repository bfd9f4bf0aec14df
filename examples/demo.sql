-- A short tour of a Mallard lake: run with `make demo` (from build/demo/).
-- The catalog is a SQLite file, the data Parquet files under lake_data/.
ATTACH 'ducklake:sqlite:demo_catalog.sqlite' AS lake (DATA_PATH 'lake_data/');

CREATE TABLE lake.events (
    event_id        UUID,
    event_type      VARCHAR,
    event_timestamp TIMESTAMP,
    details         JSON
);

-- Three commits, three snapshots.
INSERT INTO lake.events
SELECT uuid(), 'user_login', TIMESTAMP '2026-11-01 10:00:00' + INTERVAL (i) SECOND,
       json_object('user_id', 'user_' || (1000 + i % 50))
FROM range(1000) t(i);

INSERT INTO lake.events
SELECT uuid(), 'error_occurred', TIMESTAMP '2026-11-01 11:00:00' + INTERVAL (i) SECOND,
       json_object('severity', CASE WHEN i % 4 = 0 THEN 'critical' ELSE 'low' END)
FROM range(200) t(i);

BEGIN;
INSERT INTO lake.events
SELECT uuid(), 'api_request', TIMESTAMP '2026-11-01 12:00:00' + INTERVAL (i) SECOND,
       json_object('status_code', 200)
FROM range(500) t(i);
CALL lake.set_commit_message('demo', 'a batch of API requests');
COMMIT;

SELECT '-- event counts now' AS step;
SELECT event_type, count(*) AS events FROM lake.events GROUP BY event_type ORDER BY event_type;

SELECT '-- the lake as of snapshot 2 (before the errors and API requests)' AS step;
SELECT event_type, count(*) AS events FROM lake.events AT (VERSION => 2) GROUP BY event_type;

SELECT '-- critical errors (note the parentheses around ->>)' AS step;
SELECT count(*) AS critical_errors FROM lake.events WHERE (details->>'severity') = 'critical';

SELECT '-- the snapshots' AS step;
SELECT snapshot_id, schema_version, changes, author, commit_message FROM lake.snapshots();

SELECT '-- the files' AS step;
SELECT table_name, file_count, file_size_bytes > 0 AS has_data FROM lake.table_info();
