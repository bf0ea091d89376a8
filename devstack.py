"""`python server.py`: all of Onward on one machine, for trying it out.

Migrates the database, checks the tenant files, starts an embedded Redis when
REDIS_URL is unset (this process keeps it alive), then runs the web server, one RQ
worker and the `rq cron` scheduler as child processes. Ctrl-C or SIGTERM stops them
all; if one of them dies, the others are stopped and the exit status is non-zero.

The dev stack reads HOST and PORT (where gunicorn listens) and gives the demo
tenant an API token of its own when HARBOR_API_TOKEN is unset; everything else is
the ordinary settings (config/settings.py).
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy.engine import make_url

from config.loader import load_directory
from config.schema import Tenant
from config.settings import GENERATED_TOKEN_FILES, Settings, load_settings
from conversation.voice import relay_url
from store.migrate import upgrade
from store.redis import redis_url_of, start_embedded_redis

PROJECT_DIR = Path(__file__).resolve().parent
DEMO_TENANT = "harbor-barbers"
DEMO_TOKEN_VARIABLE = "HARBOR_API_TOKEN"
DEMO_CUSTOMER_PHONE = "+1 617 555 0199"
WEB_WORKERS = 2
# Threads per worker (gunicorn's gthread): a webhook waiting on a slow photo host (up to the
# media deadline, 8 s) holds a thread, not the whole worker, so other texts go on being answered;
# a call in relay mode holds one for as long as it lasts (its WebSocket, /twilio/relay).
WEB_THREADS = 32
READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 20
ORPHAN_GRACE_SECONDS = 5


class Stopping(Exception):
    """Ctrl-C or SIGTERM arrived: stop the children and exit."""


@dataclass
class Child:
    name: str
    process: subprocess.Popen

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


def run_dev_stack() -> None:
    environ = dict(os.environ)
    settings, token_generated = prepare(environ)
    tenants = check_tenants(settings)
    redis = None if settings.redis_url else start_embedded_redis(settings)  # lives as long as we do
    if redis is not None:
        environ["REDIS_URL"] = redis_url_of(redis)
    say(f"redis      {'embedded, ' if redis is not None else ''}{redacted(environ['REDIS_URL'])}")
    host, port = environ.get("HOST") or "127.0.0.1", environ.get("PORT") or "5000"
    signal.signal(signal.SIGTERM, raise_stopping)
    signal.signal(signal.SIGINT, raise_stopping)
    children: list[Child] = []
    status = 0
    try:
        children = start_children(environ, f"{host}:{port}")
        wait_until_ready(children, local_url(host, port))
        say(welcome(settings, local_url(host, port)))
        say(demo_hint(settings, tenants, environ if token_generated else {}, local_url(host, port)))
        status = watch(children)
    except Stopping:
        say("stopping…")
    finally:
        stop(children)
    sys.exit(status)


def prepare(environ: dict[str, str]) -> tuple[Settings, bool]:
    """var/, the demo token, the signing token and the database; True if a token was made."""
    settings = load_settings(environ)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    token_generated = ensure_demo_token(environ, settings.var_dir)
    settings = load_settings(environ)
    settings.signing_token  # created once here, before several processes race for it
    upgrade(settings.database_url)
    say(f"database   {redacted(settings.database_url)} (migrated)")
    return settings, token_generated


def ensure_demo_token(environ: dict[str, str], var_dir: Path) -> bool:
    """Give the demo tenant an API token kept in var/, unless the environment has one.

    Every command of this machine reads it from there too (config.settings)."""
    if environ.get(DEMO_TOKEN_VARIABLE):
        return False
    path = var_dir / GENERATED_TOKEN_FILES[DEMO_TOKEN_VARIABLE]
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    environ[DEMO_TOKEN_VARIABLE] = path.read_text().strip()
    return True


def check_tenants(settings: Settings) -> tuple[Tenant, ...]:
    result = load_directory(settings.config_dir, settings.environ)
    say(f"tenants    {settings.config_dir}")
    for tenant in result.tenants:
        say(f"  ok       {tenant.tenant} ({tenant.name}): {', '.join(tenant.numbers)}")
    for problem in result.problems:
        say(f"  refused  {problem}")
    if not result.tenants:
        say("  no tenant loaded: every text will be answered as to an unknown number")
    return result.tenants


def start_children(environ: dict[str, str], bind: str) -> list[Child]:
    redis_url = environ["REDIS_URL"]
    commands = {
        "web": ["-m", "gunicorn", "--workers", str(WEB_WORKERS), "--threads", str(WEB_THREADS), "--bind", bind,
                "--access-logfile", "-", "server:create_app()"],  # with gunicorn.conf.py
        "worker": ["-m", "flask", "--app", "server", "worker"],
        "scheduler": ["-m", "rq.cli", "cron", "config/cron.py", "--url", redis_url],
    }
    return [start_child(name, args, environ) for name, args in commands.items()]


def start_child(name: str, args: list[str], environ: dict[str, str]) -> Child:
    # A process group of its own: Ctrl-C reaches only this process, which then
    # stops each child once, in order (a second SIGINT would make RQ kill its job).
    process = subprocess.Popen([sys.executable, *args], cwd=PROJECT_DIR, process_group=0,
                               env={**environ, "PYTHONUNBUFFERED": "1"})
    say(f"{name:<10} started (pid {process.pid})")
    return Child(name, process)


def wait_until_ready(children: list[Child], base_url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and all(c.alive for c in children):
        try:
            if requests.get(base_url + "/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    if all(c.alive for c in children):
        say(f"the web server did not answer {base_url}/healthz within {READY_TIMEOUT_SECONDS} s")


def watch(children: list[Child]) -> int:
    """Wait until a child exits; that ends the stack with a non-zero status."""
    while True:
        for child in children:
            if not child.alive:
                say(f"{child.name} exited with status {child.process.returncode}; stopping the others")
                return 1
        time.sleep(0.5)


def stop(children: list[Child]) -> None:
    signal.signal(signal.SIGINT, lambda *_: kill(children))  # a second Ctrl-C: no waiting
    signal.signal(signal.SIGTERM, lambda *_: kill(children))
    for child in children:
        if child.alive:
            child.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop within {STOP_TIMEOUT_SECONDS} s; killing it")
            kill([child])
        clear_group(child)
    say("stopped")


def clear_group(child: Child) -> None:
    """Stop what is left in a child's process group: its own subprocesses, when it died
    before them (a killed RQ worker leaves its scheduler process behind)."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        deadline = time.monotonic() + ORPHAN_GRACE_SECONDS
        if not signal_group(child, signum):
            return
        while time.monotonic() < deadline:
            if not signal_group(child, 0):
                return
            time.sleep(0.1)


def kill(children: list[Child]) -> None:
    for child in children:
        signal_group(child, signal.SIGKILL)  # with its own workers
        child.process.wait()


def signal_group(child: Child, signum: int) -> bool:
    """Send a signal to a child's process group; False when the group is gone."""
    try:
        os.killpg(child.process.pid, signum)
    except ProcessLookupError:
        return False
    return True


def raise_stopping(signum: int, frame) -> None:
    raise Stopping(signal.Signals(signum).name)


def welcome(settings: Settings, base_url: str) -> str:
    public = settings.public_base_url
    return f"""
Onward is running at {base_url} (Ctrl-C stops it).

Twilio webhooks (PUBLIC_BASE_URL={public}; it must be the address Twilio calls):
  Messaging  POST {public}/twilio/sms
  Voice      POST {public}/twilio/voice   (relay mode: Twilio then opens {relay_url(public)})
  Status     POST {public}/twilio/status
"""


def demo_hint(settings: Settings, tenants: tuple[Tenant, ...], generated: dict[str, str],
              base_url: str) -> str:
    """How to text the demo tenant and read its messages; prints a generated token."""
    demo = next((t for t in tenants if t.tenant == DEMO_TENANT), tenants[0] if tenants else None)
    if demo is None:
        return "Add a tenant file to try it (see README.md)."
    if demo.tenant != DEMO_TENANT:
        token_line, bearer = f"# the API token is {demo.tenant}'s api_token", "TOKEN"
    elif generated:
        token_line = f"export {DEMO_TOKEN_VARIABLE}={generated[DEMO_TOKEN_VARIABLE]}  # generated, kept in var/"
        bearer = f"${DEMO_TOKEN_VARIABLE}"
    else:
        token_line, bearer = f"# {DEMO_TOKEN_VARIABLE} is the API token you set", f"${DEMO_TOKEN_VARIABLE}"
    url_option = "" if base_url == settings.public_base_url else f" --url {base_url}"
    return f"""Try it, in another terminal with the same environment:
  {token_line}
  {shown_path(sys.executable)} -m flask --app server simulate{url_option} \\
      --from "{DEMO_CUSTOMER_PHONE}" --to "{demo.numbers[0]}" HELP
  curl -H "Authorization: Bearer {bearer}" {base_url}/api/v1/messages
"""


def redacted(url: str) -> str:
    """A database or Redis URL fit to print: any password is masked."""
    return make_url(url).render_as_string(hide_password=True) if "@" in url else url


def local_url(host: str, port: str) -> str:
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{reachable}:{port}"


def shown_path(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def say(text: str) -> None:
    print(f"onward: {text}" if "\n" not in text else text, flush=True)
