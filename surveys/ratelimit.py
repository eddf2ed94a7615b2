"""A limit on how fast one client can start new responses (a script filling the survey).

Nothing identifying is stored: the client's address is hashed with the secret key and the
current time window into a cache key, which expires with the window. With REDIS_URL the
counters are in Redis, so every web process and copy counts against the same limit.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """REMOTE_ADDR, or, behind a proxy, the last address it appended to X-Forwarded-For."""
    header = settings.RATE_LIMIT_CLIENT_HEADER
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def allow_response_start(request) -> bool:
    """Count this start against the client's window; False once over the limit."""
    limit, window = settings.RESPONSE_START_LIMIT, settings.RESPONSE_START_WINDOW
    if limit <= 0:
        return True
    slot = int(time.time() // window)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client_address(request)}|{slot}".encode()).hexdigest()
    key = f"start-rate:{digest[:32]}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except RedisError:
        # The limit guards against scripts: a shared cache that does not answer must not turn
        # respondents away. Logged without the client's address.
        logger.warning("Response-start limit not applied: the shared cache (REDIS_URL) did not answer")
        return True
    return count <= limit
