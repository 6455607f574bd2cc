"""What every use case raises when it refuses: a reason the person can act on, named for the catalogue."""

from __future__ import annotations


class Refusal(Exception):
    """An operation refused for a reason the person can act on: `code` picks the catalogue sentence,
    `params` fill it. Each feature subclasses it, so handlers catch only their own refusals."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params
