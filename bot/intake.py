"""What every `/api/*` intake endpoint shares, so leads and payments answer alike: the bearer token,
the JSON body, the request's fingerprint for `Idempotency-Key`, and the workspace records go to.

A refusal is a `web.Response` handed back to the endpoint, never an exception: 404 while intake is
off (`CLOSELOOP_INTAKE_TOKEN` unset), 401 for a wrong token, 400 for a body that is not JSON, 422 for
JSON that is not an object. aiohttp itself answers 413 for a body over its size limit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.services import Services

MAX_KEY = 200


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    """`{"error": message, …}` with `status`: the one shape of every intake refusal."""
    return web.json_response({"error": message, **extra}, status=status)


def refuse_caller(request: web.Request, services: Services, what: str) -> web.Response | None:
    """404 while intake is off, 401 for a missing or wrong bearer token, else None (go ahead)."""
    expected = services.settings.closeloop_intake_token
    if not expected:
        return json_error(404, f"{what} intake is off: set CLOSELOOP_INTAKE_TOKEN")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return json_error(401, "missing or wrong bearer token")
    return None


def idempotency_key(request: web.Request) -> str:
    """The request's `Idempotency-Key` ("" without one), cut to what the table stores."""
    return request.headers.get("Idempotency-Key", "").strip()[:MAX_KEY]


async def read_object(
    request: web.Request, parse_float: Callable[[str], Any] | None = None
) -> dict[str, Any] | web.Response:
    """The body as a JSON object, or the 400/422 answer saying why it is not one.

    `parse_float=Decimal` keeps money exact: `30000.10` must not arrive as 30000.099999….
    """
    try:
        payload = json.loads(await request.text(), parse_float=parse_float)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return json_error(400, "the body is not JSON")
    if not isinstance(payload, dict):
        return json_error(422, "the body must be a JSON object", fields={})
    return payload


def request_hash(payload: dict[str, Any]) -> str:
    """The request as a fingerprint: key order and spacing do not make it another request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class WorkspaceTeam:
    """The team intake files records under: a single-workspace bot's own, asked of Slack once."""

    def __init__(self, services: Services):
        self._services = services
        self._id: str | None = None

    async def __call__(self) -> str:
        if self._id is None:
            self._id = (await self._services.slack.auth_test())["team_id"]
        return self._id
