"""The Web API client: slack-sdk's, pointed at `SLACK_API_URL`, with its retry handlers.

Connection errors, 429 (after the Retry-After Slack sends) and 5xx answers are retried by slack-sdk's
own async handlers; nothing here re-implements them.
"""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry transient failures a few times; a 429 waits as long as Slack asks."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def listener_retry_handlers() -> list[AsyncRetryHandler]:
    """One quick retry: a listener answers within Slack's 3 seconds, so an outage is told, not waited out."""
    quick = FixedValueRetryIntervalCalculator(0.2)
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=quick),
        AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        AsyncServerErrorRetryHandler(max_retry_count=1, interval_calculator=quick),
    ]


def build_web_client(token: str, base_url: str) -> AsyncWebClient:
    """A Web API client for the bot token."""
    return AsyncWebClient(token=token, base_url=base_url, retry_handlers=retry_handlers(), timeout=10)


def without_token(client: AsyncWebClient) -> AsyncWebClient:
    """The same client with no token of its own, for Bolt, which adds the one `authorize` returns.

    Given a client that carries a token as well as `authorize`, Bolt warns at every start that the
    token will be ignored. Its listeners must answer within 3 seconds, so it retries only briefly.
    """
    return AsyncWebClient(
        base_url=client.base_url,
        session=client.session,
        timeout=client.timeout,
        headers=dict(client.headers),
        retry_handlers=listener_retry_handlers(),
    )


def delivery_client(client: AsyncWebClient, *, timeout: float) -> AsyncWebClient:
    """The same client without retry handlers, for the delivery worker.

    The worker schedules its own retries in the outbox (Retry-After, back-off, in-doubt checks); a
    retry handler sleeping inside a send would hold a delivery slot and hide the failure from it.
    """
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        session=client.session,
        timeout=max(1, int(timeout)),
        headers=dict(client.headers),
        retry_handlers=[],
    )
