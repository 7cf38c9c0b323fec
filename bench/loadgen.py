"""A small closed-loop HTTP load generator (run as its own process): ``concurrency`` threads,
each on a keep-alive connection, cycling through the given requests for ``seconds``. Prints one
JSON line: requests, errors, requests per second, p50 and p95 latency in milliseconds.

A request is a path (GET) or ``{"method", "path", "headers", "body"}`` (the body a JSON value or
a string), so authenticated and POST endpoints can be loaded too. A request counts as an error
unless its status is 200 (or ``expect``)."""

import http.client
import json
import sys
import threading
import time


def run(host, port, paths, seconds, concurrency, partition=False):
    """``partition``: each thread takes its own slice of ``paths`` (requests that must not be
    repeated, such as fresh sync batches) instead of all threads cycling through all of them."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(offset):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, bad, i = [], 0, offset
        own = paths[offset::concurrency] if partition else paths
        if partition:
            i = 0
        while time.perf_counter() < stop_at:
            item = own[i % len(own)]
            i += 1
            if isinstance(item, str):
                item = {"path": item}
            headers = {"Accept-Language": "zh-hans", **item.get("headers", {})}
            body = item.get("body")
            if body is not None and not isinstance(body, str):
                body = json.dumps(body)
                headers.setdefault("Content-Type", "application/json")
            started = time.perf_counter()
            try:
                conn.request(item.get("method", "GET"), item["path"], body=body.encode() if body else None,
                             headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != item.get("expect", 200):
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n if partition else n * 7,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else float("nan")

    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
            "p50_ms": pct(50), "p95_ms": pct(95)}


if __name__ == "__main__":
    host, port, seconds, concurrency = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    paths = json.loads(sys.stdin.read())
    partition = isinstance(paths, dict) and paths.get("partition", False)
    paths = paths["requests"] if isinstance(paths, dict) else paths
    print(json.dumps(run(host, port, paths, seconds, concurrency, partition)))
