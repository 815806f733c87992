"""Bounded Content-Encoding decoding: a gzip bomb must fail before it is inflated in memory."""

from __future__ import annotations

import zlib

from feeds.errors import FetchError


class BoundedDecoder:
    """Decodes a gzip/deflate/identity body chunk by chunk, never holding more than
    ``max_bytes`` of output: zlib's ``max_length`` caps each step, so a tiny compressed
    input that inflates to gigabytes costs at most ``max_bytes + 1`` bytes of memory."""

    def __init__(self, content_encoding: str | None, *, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError("decode", f"stacked content encodings are not supported: {codings}")
        self._coding = codings[0] if codings else None
        if self._coding not in (None, "gzip", "x-gzip", "deflate"):
            raise FetchError(
                "decode", f"server used an encoding we did not ask for: {self._coding}"
            )
        self._max = max_bytes
        self._size = 0
        self._parts: list[bytes] = []
        self._zlib: zlib._Decompress | None = None
        self._first_deflate_chunk = True
        if self._coding is not None:
            self._zlib = self._new_decompressor()

    def _new_decompressor(self) -> zlib._Decompress:
        if self._coding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _emit(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._max:
            raise FetchError(
                "too_large", f"feed body is larger than {self._max} bytes once decompressed"
            )
        if data:
            self._parts.append(data)

    def _inflate(self, data: bytes) -> None:
        assert self._zlib is not None
        while data:
            self._emit(self._zlib.decompress(data, self._max - self._size + 1))
            if self._zlib.unconsumed_tail:
                data = self._zlib.unconsumed_tail
            elif self._zlib.eof and self._zlib.unused_data:
                # Concatenated gzip members are legal (RFC 1952); start the next one.
                data = self._zlib.unused_data
                self._zlib = self._new_decompressor()
            else:
                data = b""

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._emit(chunk)
            return
        try:
            self._inflate(chunk)
        except zlib.error:
            # Some servers send raw deflate (no zlib header) as "deflate"; retry once that way.
            if self._coding == "deflate" and self._first_deflate_chunk and self._size == 0:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first_deflate_chunk = False
                try:
                    self._inflate(chunk)
                except zlib.error as exc:
                    raise FetchError("decode", f"body is not valid deflate data: {exc}") from None
                return
            raise FetchError("decode", f"body is not valid {self._coding} data") from None
        self._first_deflate_chunk = False

    def finish(self) -> bytes:
        if self._zlib is not None:
            try:
                self._emit(self._zlib.flush())
            except zlib.error as exc:
                raise FetchError("decode", f"compressed body is truncated: {exc}") from None
        return b"".join(self._parts)
