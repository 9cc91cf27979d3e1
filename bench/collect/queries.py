#!/usr/bin/env python3
"""The benchmark's queries in DuckDB: the same base measures as the clause9
programme in programme/measures, for the months given (2025-MM), over
data/events.{csv|parquet}. Prints each value and the total wall time."""
import os, sys, time
import duckdb

fmt, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", f"events.{fmt}")
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
src = f"read_parquet('{data}')" if fmt == "parquet" else (
    f"read_csv('{data}', header = true, types = {{'event_time': 'TIMESTAMPTZ', 'detected_at': 'TIMESTAMPTZ', 'resolved_at': 'TIMESTAMPTZ'}})")
in_period = "event_time >= $start AND event_time < $end"
resolved = "resolved_at >= $start AND resolved_at < $end"
queries = {
    "critical": f"SELECT count(*) FROM events WHERE {in_period} AND severity = 'critical'",
    "high": f"SELECT count(*) FROM events WHERE {in_period} AND severity = 'high'",
    "events": f"SELECT count(*) FROM events WHERE {in_period}",
    "assets": f"SELECT count(DISTINCT asset) FROM events WHERE {in_period}",
    "mttr_hours": f"SELECT avg(epoch(resolved_at) - epoch(detected_at)) / 3600 FROM events WHERE {resolved} AND status = 'resolved'",
    "resolved": f"SELECT count(*) FROM events WHERE {resolved} AND status = 'resolved'",
    "resolved_in_sla": f"SELECT count(*) FROM events WHERE {resolved} AND status = 'resolved' AND resolved_at - detected_at <= INTERVAL 72 HOURS",
    "backlog": "SELECT count(*) FROM events WHERE detected_at < $end AND (resolved_at IS NULL OR resolved_at >= $end)",
    "malware": f"SELECT count(*) FROM events WHERE {in_period} AND category = 'malware'",
    "false_positives": f"SELECT count(*) FROM events WHERE {in_period} AND status = 'false_positive'",
    "critical_assets": f"SELECT count(DISTINCT asset) FROM events WHERE {in_period} AND severity = 'critical'",
}
t0 = time.time()
con.execute(f"CREATE VIEW events AS SELECT * FROM {src}")
for m in range(first, last + 1):
    start = f"2025-{m:02d}-01 00:00:00+00"
    end = f"2026-01-01 00:00:00+00" if m == 12 else f"2025-{m + 1:02d}-01 00:00:00+00"
    for name, q in queries.items():
        q = q.replace("$start", "CAST($start AS TIMESTAMPTZ)").replace("$end", "CAST($end AS TIMESTAMPTZ)")
        params = {k: v for k, v in {"start": start, "end": end}.items() if f"${k}" in q}
        v = con.execute(q, params).fetchone()[0]
        print(f"2025-{m:02d} {name} = {v}")
print(f"duckdb {fmt} 2025-{first:02d}..2025-{last:02d}: {time.time() - t0:.2f} s")
