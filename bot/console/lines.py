"""Where the console reads what a person types: readline at a terminal, or a script read as a transcript."""

from __future__ import annotations

import contextlib
from typing import Protocol, TextIO


class LineSource(Protocol):
    """Gives the next line typed after `prompt`, or None when the input has ended."""

    def read(self, prompt: str) -> str | None: ...


class TerminalLines:
    """Interactive input with line editing and history (arrow keys), when readline is available."""

    def __init__(self) -> None:
        # importing readline is what gives input() editing and history; Windows may lack it
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401

    def read(self, prompt: str) -> str | None:
        """Ctrl-D ends the session; Ctrl-C only drops the line being typed."""
        try:
            return input(prompt)
        except EOFError:
            print()
            return None
        except KeyboardInterrupt:
            print()
            return ""


class ScriptLines:
    """Lines from a file or pipe; each is echoed after its prompt so the output reads as a transcript."""

    def __init__(self, source: TextIO, echo: TextIO):
        self._source = source
        self._echo = echo

    def read(self, prompt: str) -> str | None:
        line = self._source.readline()
        if not line:
            return None
        line = line.rstrip("\r\n")
        self._echo.write(f"{prompt}{line}\n")
        self._echo.flush()
        return line
