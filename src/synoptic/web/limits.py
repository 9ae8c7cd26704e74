"""A cap on every request body, before any handler reads it.

Without it, `POST /login` (which needs no token) read whatever it was sent into memory: 1 GB of body
took the server to 2 GB. Each route has a budget: uploads `max_file_bytes` plus room for a form,
sign-in a few kilobytes, everything else (GET) a small one. A declared `Content-Length` over the
budget is refused at once; a chunked body is counted as it arrives and cut off at the budget.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Sign-in form: `token=` and a token of a few hundred characters at most.
LOGIN_BYTES = 4 * 1024
#: Any other route: GET and HEAD carry no body; this leaves room for a client that sends a small one.
OTHER_BYTES = 64 * 1024
#: Room for multipart headers and boundaries around an upload of max_file_bytes.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


class BodyTooLarge(Exception):
    """Raised from `receive` once a body passes its budget."""


class BodyLimit:
    """ASGI middleware: 413 for a request body over its route's budget."""

    def __init__(self, app: ASGIApp, upload_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    def budget(self, method: str, path: str) -> int:
        if method == "POST" and path == "/api/v1/articles":
            return self.upload_bytes + UPLOAD_OVERHEAD_BYTES
        if path == "/login":
            return LOGIN_BYTES
        return OTHER_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        budget = self.budget(scope.get("method", "GET"), scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > budget:
            await _too_large(send, budget)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > budget:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _too_large(send, budget)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _too_large(send: Send, budget: int) -> None:
    body = json.dumps({"detail": f"request body over the limit of {budget} bytes for this route"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
