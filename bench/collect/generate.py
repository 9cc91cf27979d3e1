#!/usr/bin/env python3
"""Writes the benchmark's synthetic security events (10 million by default) as
data/events.csv and data/events.parquet, generated with DuckDB from a fixed
seed. Columns: event_id, event_time, severity, category, asset, status,
detected_at, resolved_at (empty while open). Times are UTC, RFC 3339 with `Z`
in the CSV; rows are in event_time order (as a SIEM export would be), so the
Parquet row groups cover consecutive time ranges."""
import os, sys, time
import duckdb

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
os.makedirs(out, exist_ok=True)
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute("SELECT setseed(0.42)")
t0 = time.time()
con.execute(f"""
CREATE TABLE events AS
WITH base AS (
  SELECT i AS event_id,
         TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_microseconds(CAST(i * (365 * 86400 * 1e6 / {rows}) AS BIGINT)) AS event_time,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
  FROM range({rows}) t(i)
)
SELECT event_id, event_time,
  CASE WHEN r1 < 0.02 THEN 'critical' WHEN r1 < 0.12 THEN 'high' WHEN r1 < 0.40 THEN 'medium'
       WHEN r1 < 0.75 THEN 'low' ELSE 'info' END AS severity,
  ['malware', 'phishing', 'vulnerability', 'misconfiguration', 'access', 'data_loss'][1 + CAST(floor(r2 * 6) AS INT)] AS category,
  'asset-' || lpad(CAST(CAST(floor(r3 * 20000) AS INT) AS VARCHAR), 5, '0') AS asset,
  CASE WHEN r4 < 0.80 THEN 'resolved' WHEN r4 < 0.90 THEN 'false_positive' ELSE 'open' END AS status,
  event_time + to_microseconds(CAST(r5 * 3600e6 AS BIGINT)) AS detected_at,
  CASE WHEN r4 < 0.90 THEN event_time + to_microseconds(CAST(r5 * 3600e6 AS BIGINT))
       + to_microseconds(CAST((r4 * 10 + r5 * 5) * 86400e6 / 1.2 AS BIGINT)) END AS resolved_at
FROM base ORDER BY event_id
""")
print(f"generated {rows} events in {time.time() - t0:.1f} s")
fmt = "%Y-%m-%dT%H:%M:%SZ"
con.execute(f"""
COPY (SELECT event_id, strftime(event_time, '{fmt}') AS event_time, severity, category, asset, status,
             strftime(detected_at, '{fmt}') AS detected_at, strftime(resolved_at, '{fmt}') AS resolved_at
      FROM events ORDER BY event_id)
TO '{out}/events.csv' (HEADER, DELIMITER ',')
""")
con.execute(f"COPY (SELECT * FROM events ORDER BY event_id) TO '{out}/events.parquet' (FORMAT PARQUET, COMPRESSION zstd)")
for f in ["events.csv", "events.parquet"]:
    print(f"{f}: {os.path.getsize(os.path.join(out, f)) / 1e6:.0f} MB")
