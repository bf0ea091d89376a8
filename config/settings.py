"""Process settings, read from the environment in this one place."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Backoff between send attempts of one outbound text, in seconds (RQ Retry intervals).
DEFAULT_SEND_RETRY_INTERVALS = (30, 120, 600, 1800, 3600)
# The model language understanding asks when OPENAI_API_KEY is set (OPENAI_MODEL overrides).
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
# Tokens `python server.py` generates when their variable is unset, kept under var/ so
# every process and command of this machine (config check, simulate, the worker) reads
# the same one: variable -> file name.
GENERATED_TOKEN_FILES = {"HARBOR_API_TOKEN": "harbor-api-token"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    config_dir: Path
    var_dir: Path
    public_base_url: str
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base_url: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str = DEFAULT_OPENAI_MODEL
    stripe_api_base: str | None = None  # a Stripe-compatible server (local tests)
    send_retry_intervals: tuple[int, ...] = DEFAULT_SEND_RETRY_INTERVALS
    environ: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def has_twilio_credentials(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def signing_token(self) -> str:
        """The token webhooks are signed with: Twilio's, or a local one for console mode."""
        return self.twilio_auth_token or dev_auth_token(self.var_dir)


def load_settings(environ: dict[str, str] | None = None, **overrides) -> Settings:
    env = dict(os.environ if environ is None else environ)
    var_dir = Path(env.get("ONWARD_VAR_DIR") or PROJECT_DIR / "var").resolve()
    env = with_generated_tokens(env, var_dir)
    values = dict(
        database_url=env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'onward.db'}",
        redis_url=env.get("REDIS_URL") or None,
        config_dir=Path(env.get("ONWARD_CONFIG_DIR") or PROJECT_DIR / "config" / "tenants"),
        var_dir=var_dir,
        public_base_url=(env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
        twilio_api_base_url=(env.get("TWILIO_API_BASE_URL") or "").rstrip("/") or None,
        openai_api_key=env.get("OPENAI_API_KEY") or None,
        openai_base_url=env.get("OPENAI_BASE_URL") or None,
        openai_model=env.get("OPENAI_MODEL") or DEFAULT_OPENAI_MODEL,
        stripe_api_base=(env.get("STRIPE_API_BASE") or "").rstrip("/") or None,
        environ=env,
    )
    values.update(overrides)
    return Settings(**values)


def with_generated_tokens(env: dict[str, str], var_dir: Path) -> dict[str, str]:
    """The environment, with each generated token found under var/ whose variable is unset."""
    found = {variable: (var_dir / file).read_text().strip() for variable, file in GENERATED_TOKEN_FILES.items()
             if not env.get(variable) and (var_dir / file).is_file()}
    return {**env, **found}


def dev_auth_token(var_dir: Path) -> str:
    """A random signing token kept under var/, shared by the server and `simulate`.

    Without Twilio credentials nobody but this machine can sign webhooks, and a
    token that is not in the repository keeps it that way.
    """
    path = var_dir / "dev-auth-token"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(16))
    return path.read_text().strip()
