"""A small Server-Sent Events client on raw asyncio streams, light enough to hold thousands of
open streams in one process, with the arrival time of every event on ``time.perf_counter``.

    stream = await Stream.open("127.0.0.1", 8000, token)   # raises Refused unless 200
    await stream.wait_connected()                           # the server has subscribed us
    async for event in stream.events(): ...                 # Event(id, kind, data, at)
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

PATH = "/api/v1/notifications/stream"
HEAD_LIMIT = 64 * 1024


class Refused(Exception):
    """The server answered with something other than an open event stream."""


@dataclass
class Event:
    id: int | None
    kind: str  # the ``event:`` field; ``":"`` for a comment line
    data: str
    at: float  # time.perf_counter() when the bytes completing it were read

    def json(self) -> Any:
        return json.loads(self.data)


class Stream:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.chunked = False
        self.received = 0  # body bytes so far (with chunk framing)
        self._buffer = b""

    @classmethod
    async def open(
        cls, host: str, port: int, token: str, *, last_event_id: int | None = None
    ) -> Stream:
        reader, writer = await asyncio.open_connection(host, port, limit=HEAD_LIMIT)
        stream = cls(reader, writer)
        lines = [
            f"GET {PATH} HTTP/1.1",
            f"Host: {host}:{port}",
            f"Authorization: Bearer {token}",
            "Accept: text/event-stream",
        ]
        if last_event_id is not None:
            lines.append(f"Last-Event-ID: {last_event_id}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            stream.close()
            raise Refused(f"{type(exc).__name__}: {exc}") from exc
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        if status.split()[1:2] != ["200"]:
            body = await _read_some(reader)
            stream.close()
            raise Refused(f"{status}: {body[:200]!r}")
        stream.chunked = b"\r\ntransfer-encoding: chunked" in head.lower()
        return stream

    async def _body(self) -> bytes:
        """The next piece of the body; b"" at its end."""
        if not self.chunked:
            data = await self.reader.read(65536)
        else:
            size_line = await self.reader.readline()
            if not size_line:
                return b""
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                return b""
            data = await self.reader.readexactly(size)
            await self.reader.readexactly(2)  # the CRLF after each chunk
        self.received += len(data)
        return data

    async def events(self) -> AsyncIterator[Event]:
        """Every event and comment until the server ends the stream."""
        while True:
            while b"\n\n" not in self._buffer:
                data = await self._body()
                if not data:
                    return
                self._buffer += data
            at = time.perf_counter()
            while b"\n\n" in self._buffer:
                block, self._buffer = self._buffer.split(b"\n\n", 1)
                yield _parse(block.decode(), at)

    async def wait_connected(self) -> None:
        """Until the server's first comment: from then on every new row reaches us."""
        async for event in self.events():
            if event.kind == ":":
                return
        raise Refused("the stream ended before it was connected")

    async def discard(self) -> None:
        """Read and drop everything until the server ends the stream (an idle client)."""
        while await self._body():
            pass

    def close(self) -> None:
        self.writer.close()


async def open_many(
    host: str, port: int, tokens: list[str], *, concurrency: int = 100
) -> list[Stream]:
    """One connected stream per token (repeat a token for several sessions of one user),
    at most ``concurrency`` being set up at a time; all closed again if one fails."""
    gate = asyncio.Semaphore(concurrency)
    streams: list[Stream] = []

    async def one(token: str) -> Stream:
        async with gate:
            stream = await Stream.open(host, port, token)
            streams.append(stream)
            await stream.wait_connected()
            return stream

    try:
        return list(await asyncio.gather(*(one(token) for token in tokens)))
    except BaseException:
        for stream in streams:
            stream.close()
        raise


def _parse(block: str, at: float) -> Event:
    event_id: int | None = None
    kind = ""
    data: list[str] = []
    comment: list[str] = []
    for line in block.split("\n"):
        name, _sep, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "":
            comment.append(value)
        elif name == "id":
            event_id = int(value)
        elif name == "event":
            kind = value
        elif name == "data":
            data.append(value)
    if not kind and not data and event_id is None:
        return Event(None, ":", "\n".join(comment), at)
    return Event(event_id, kind or "message", "\n".join(data), at)


async def _read_some(reader: asyncio.StreamReader) -> bytes:
    try:
        return await asyncio.wait_for(reader.read(4096), 2.0)
    except (TimeoutError, OSError):
        return b""
