"""Bolt's authorization for a bot installed in one workspace, that keeps working while Slack is away.

Bolt's default asks `auth.test` before it lets any request through, and answers 401 when Slack cannot
be reached: a slash command would fail for want of a round trip that tells us nothing new. Here the
first successful answer is kept for the life of the process; until there is one, requests go on with
the token from the settings and the workspace the request names.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

ASK_FOR_AT_MOST = 2.0  # seconds: a request must still be answered within Slack's 3


Authorize = Callable[[str | None, str | None], Awaitable[AuthorizeResult]]


def single_workspace(token: str, client: AsyncWebClient) -> Authorize:
    """`authorize=` for `AsyncApp`: the bot token's own identity, asked of Slack once."""
    known: list[AuthorizeResult] = []

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        if known:
            return known[0]
        try:
            reply = await asyncio.wait_for(client.auth_test(token=token), ASK_FOR_AT_MOST)
        except Exception as error:  # Slack away or slow: the request is still ours to answer
            log.warning("auth.test unanswered (%r); going on with the configured token", error)
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)
        known.append(AuthorizeResult.from_auth_test_response(bot_token=token, auth_test_response=reply))
        return known[0]

    return authorize
