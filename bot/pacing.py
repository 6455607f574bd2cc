"""Keep within Slack's rate limits instead of bouncing off them.

Slack allows about one message a second per channel, a per-method budget per workspace (its "tiers"),
and answers 429 with `Retry-After` beyond that. The pacer spaces sends per channel, takes a token from
each method's bucket, holds a method back for as long as a 429 asked, and backs off every send while
Slack is failing (5xx, no connection) so an outage is probed, not hammered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

# Sustained calls a second per method for the whole workspace, and the burst allowed: Slack's tiers
# (Tier 3: 50+ a minute, Tier 4: 100+) with the posting rate closeloop is configured for.
TIER_3 = (50 / 60, 50)
TIER_4 = (100 / 60, 100)
METHOD_TIERS: Mapping[str, tuple[float, int]] = {
    "chat.update": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "conversations.open": TIER_3,
    "chat.postEphemeral": TIER_4,
    "views.publish": TIER_4,
    "files.getUploadURLExternal": TIER_4,
    "files.completeUploadExternal": TIER_4,
    "users.info": TIER_4,
}
PER_CHANNEL_SECONDS = 1.0
POST_MARGIN = 0.95
OUTAGE_BACKOFF_MAX = 30.0


@dataclass
class _Bucket:
    """A token bucket: `rate` tokens a second, at most `burst` saved up."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def wait_for_token(self, now: float) -> float:
        """Seconds to wait before a token is free; takes it (possibly in advance)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Pacer:
    """Decides when the next call to Slack may go, from limits known in advance and Slack's answers."""

    def __init__(self, post_rate: float, *, channel_seconds: float = PER_CHANNEL_SECONDS):
        self._buckets = {method: _Bucket(rate, burst) for method, (rate, burst) in METHOD_TIERS.items()}
        # No saved-up burst for posts, and a little under the rate: Slack counts per window, and one
        # post over the limit costs a whole Retry-After of silence, far more than the margin.
        self._buckets["chat.postMessage"] = _Bucket(post_rate * POST_MARGIN, 1.0)
        self._channel_seconds = channel_seconds
        self._channel_next: dict[str, float] = {}
        self._held_until: dict[str, float] = {}
        self._outage_until = 0.0
        self._outage_backoff = 0.0

    async def wait(self, method: str, channel: str | None = None) -> None:
        """Sleep until a call to `method` (in `channel`) is within every limit, then count it."""
        while True:
            now = time.monotonic()
            held = max(self._held_until.get(method, 0.0), self._outage_until) - now
            if held > 0:
                await asyncio.sleep(held)
                continue
            delay = 0.0
            if channel is not None and self._channel_seconds > 0:
                slot = max(now, self._channel_next.get(channel, 0.0))
                self._channel_next[channel] = slot + self._channel_seconds
                delay = slot - now
            bucket = self._buckets.get(method)
            if bucket is not None:
                delay = max(delay, bucket.wait_for_token(now))
            if delay > 0:
                await asyncio.sleep(delay)
            return

    def rate_limited(self, method: str, retry_after: float) -> None:
        """Slack answered 429: no call to `method` until `retry_after` seconds from now."""
        until = time.monotonic() + max(retry_after, 0.5)
        self._held_until[method] = max(self._held_until.get(method, 0.0), until)

    def failing(self) -> float:
        """Slack is down or unreachable: hold every call, longer each time; returns the hold in seconds."""
        self._outage_backoff = min(OUTAGE_BACKOFF_MAX, max(1.0, self._outage_backoff * 2))
        self._outage_until = time.monotonic() + self._outage_backoff
        return self._outage_backoff

    def answered(self) -> None:
        """Slack answered normally: the outage, if there was one, is over."""
        self._outage_backoff = 0.0
        self._outage_until = 0.0
