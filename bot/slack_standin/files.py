"""Files as Slack's external upload keeps them: reserved, then sent, then shared once.

slack-sdk's `files_upload_v2` asks `files.getUploadURLExternal` for an upload URL and a file id, POSTs
the bytes to that URL, and shares the file with `files.completeUploadExternal`. Slack discards a file
whose bytes never came, and shares each file once; the shelf keeps the same rules so the bot cannot
lean on anything the real Slack would not allow.
"""

from __future__ import annotations

import itertools
import mimetypes
from dataclasses import dataclass, replace
from typing import Any

JsonDict = dict[str, Any]

UPLOAD_PATH = "/upload/v1/"
"""The path of every upload URL; the transports route a POST under it to `FileShelf.receive`."""


@dataclass(frozen=True)
class StandInFile:
    """One uploaded file: what was announced, the bytes once they came, and where it was shared."""

    file_id: str
    name: str
    length: int
    title: str = ""
    content: bytes | None = None  # None until the bytes reach the upload URL
    completed: bool = False  # files.completeUploadExternal took it (shared, or kept private)
    channel: str | None = None  # where it was shared; None while it is not (or is private)
    thread_ts: str | None = None
    ts: str | None = None  # the message that shares it

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    def in_message(self) -> JsonDict:
        """The file as a message that shares it carries it (conversations.history, .replies)."""
        return {
            "id": self.file_id,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": self.mimetype,
            "filetype": self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "",
            "size": len(self.content or b""),
            "mode": "hosted",
        }


class FileShelf:
    """Every file the bot started uploading, by id, in the order the ids were handed out."""

    def __init__(self) -> None:
        self._files: dict[str, StandInFile] = {}
        self._numbers = itertools.count(1)

    def reserve(self, name: str, length: int) -> StandInFile:
        """A new file id for an upload of `length` bytes named `name`."""
        reserved = StandInFile(f"F{next(self._numbers):010d}", name, length)
        self._files[reserved.file_id] = reserved
        return reserved

    def receive(self, path: str, content: bytes) -> bool:
        """The bytes POSTed to an upload URL; False when the URL names no file awaiting them."""
        file_id = path.rsplit("/", 1)[-1]
        waiting = self._files.get(file_id)
        if not path.startswith(UPLOAD_PATH) or waiting is None or waiting.completed:
            return False
        self._files[file_id] = replace(waiting, content=content)
        return True

    def ready(self, file_id: str) -> StandInFile | None:
        """The file if it can be completed now: its bytes came and it was not completed before."""
        found = self._files.get(file_id)
        if found is None or found.content is None or found.completed:
            return None
        return found

    def complete(
        self, file_id: str, title: str, channel: str | None, thread_ts: str | None, ts: str | None
    ) -> StandInFile:
        """Complete a ready file: shared by the message at (channel, ts), or private without a channel."""
        shared = replace(
            self._files[file_id], title=title, completed=True, channel=channel, thread_ts=thread_ts, ts=ts
        )
        self._files[file_id] = shared
        return shared

    def shared(self) -> list[StandInFile]:
        """The files shared in a conversation, in the order they were uploaded."""
        return [kept for kept in self._files.values() if kept.channel is not None]
