"""Keep what start-up built out of the garbage collector's way, so a full collection does not stall acks.

CPython's full collection walks every tracked object; after start-up those are mostly modules,
classes, SQLAlchemy's mappers and the catalogue (over 100,000 objects), and one walk of them held the
event loop, and with it every ack, for 150-250 ms several times a minute under load. They live as
long as the process, so they are collected once and then moved out of the collector's sight
(`gc.freeze`); later collections walk only what was made since.
"""

from __future__ import annotations

import gc

_settled = False


def settle_start_up_objects() -> None:
    """Collect once, then freeze every object alive now; the first call in a process does it."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
