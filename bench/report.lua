-- wrk done() hook for bench/run.sh: prints one machine-readable line after wrk's own
-- report, so the runner does not have to scrape wrk's human-oriented output.
-- Only done() is defined: wrk keeps its fast path (no per-request Lua calls).
-- Latencies are in microseconds; "status" counts responses with status >= 400
-- (wrk's own "Non-2xx or 3xx responses" counter).

done = function(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "WRKRESULT requests=%d duration_us=%d bytes=%d rps=%.1f"
         .. " p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f"
         .. " status=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, summary.bytes, summary.requests / secs,
      math.floor(latency:percentile(50)), math.floor(latency:percentile(90)),
      math.floor(latency:percentile(99)), math.floor(latency.max), latency.mean,
      e.status, e.connect, e.read, e.write, e.timeout))
end
