"""Make the Slack stand-in misbehave on purpose: rate limits, flaky answers, outages and lost answers.

A delivery worker is only as good as the worst Slack it has met. Each fault here is deterministic, so
a test can say exactly which call fails and how: "the third post is rate limited", "Slack is down
until I say so", "the post happened but its answer never arrived".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

_WINDOW_SECONDS = 1.0
# What Slack's edge says when it cannot answer; clients only look at the status and the error.
_SERVER_ERRORS: Mapping[int, str] = {503: "service_unavailable"}


@dataclass(frozen=True)
class Refusal:
    """The HTTP answer a faulty Slack gives instead of doing what was asked."""

    status: int
    payload: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)


def refusal(status: int, retry_after: int = 1) -> Refusal:
    """Shape a refusal as Slack does: 429 says when to come back, a 5xx says only that it failed."""
    if status == 429:
        return Refusal(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
    return Refusal(status, {"ok": False, "error": _SERVER_ERRORS.get(status, "fatal_error")})


def _check_failure_status(status: int) -> None:
    """Only statuses a worker must survive make sense here; a typo should fail the test, not pass it."""
    if status != 429 and not 500 <= status <= 599:
        raise ValueError(f"status must be 429 or 5xx, got {status}")


@dataclass
class _RateWindow:
    """A fixed window that opens with its first call, so a test's burst never straddles two windows."""

    per_second: int
    opened_at: float = -math.inf
    used: int = 0

    def roll(self, now: float) -> None:
        if now - self.opened_at >= _WINDOW_SECONDS:
            self.opened_at, self.used = now, 0

    def is_full(self) -> bool:
        return self.used >= self.per_second

    def seconds_left(self, now: float) -> int:
        """Whole seconds until the window closes, never 0: Retry-After 0 would invite a hot loop."""
        return max(1, math.ceil(self.opened_at + _WINDOW_SECONDS - now))


@dataclass
class _EveryNth:
    """Fails every n-th matching call, counting from when the rule was set."""

    n: int
    failure: Refusal
    methods: frozenset[str] | None
    seen: int = 0

    def fails(self, method: str) -> bool:
        if self.methods is not None and method not in self.methods:
            return False
        self.seen += 1
        return self.seen % self.n == 0


class FaultPlan:
    """The faults a test has switched on, consulted once per call before Slack acts on it."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._windows: dict[str | None, _RateWindow] = {}
        self._every_nth: _EveryNth | None = None
        self._outage: Refusal | None = None
        self._answers_to_lose: Counter[str] = Counter()

    def rate_limit(self, method: str | None, per_second: int) -> None:
        if per_second < 1:
            raise ValueError("per_second must be at least 1; use clear_faults() to lift limits")
        self._windows[method] = _RateWindow(per_second)

    def fail_every(self, n: int, status: int, retry_after: int, methods: Collection[str] | None) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        _check_failure_status(status)
        chosen = frozenset(methods) if methods is not None else None
        self._every_nth = _EveryNth(n, refusal(status, retry_after), chosen)

    def down(self, status: int) -> None:
        _check_failure_status(status)
        self._outage = refusal(status)

    def up(self) -> None:
        self._outage = None

    def lose_responses(self, method: str, times: int) -> None:
        self._answers_to_lose[method] += times

    def clear(self) -> None:
        self._windows.clear()
        self._every_nth = None
        self._outage = None
        self._answers_to_lose.clear()

    def refusal_for(self, method: str) -> Refusal | None:
        """Why Slack refuses this call before acting on it, or None when it goes through.

        An outage hides everything; then the rate limits, which only count calls they let through;
        then the every-n-th rule, which only counts calls that got that far.
        """
        if self._outage is not None:
            return self._outage
        if retry_after := self._rate_limited(method):
            return refusal(429, retry_after)
        if self._every_nth is not None and self._every_nth.fails(method):
            return self._every_nth.failure
        return None

    def loses_answer(self, method: str) -> bool:
        """Whether Slack acts on this call but its answer never reaches the caller."""
        if self._answers_to_lose[method] <= 0:
            return False
        self._answers_to_lose[method] -= 1
        return True

    def _rate_limited(self, method: str) -> int | None:
        now = self._monotonic()
        windows = [window for key, window in self._windows.items() if key in (method, None)]
        for window in windows:
            window.roll(now)
        full = [window for window in windows if window.is_full()]
        if full:
            return max(window.seconds_left(now) for window in full)
        for window in windows:
            window.used += 1
        return None
