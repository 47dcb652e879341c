"""Serving a stored file with HTTP Range support (phones seek in videos with Range requests).

Django's FileResponse always sends the whole file; this module answers a single byte range
``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` with 206 Partial Content, an unsatisfiable one with
416, and anything else (no header, several ranges, garbage) with the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

CHUNK = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.I)


# Positions longer than this are beyond any file (and int() refuses more than 4,300 digits).
MAX_DIGITS = 18
BEYOND = 10**MAX_DIGITS


class RangeNotSatisfiable(ValueError):
    """The requested range starts beyond the end of the file."""


def _position(digits: str) -> int:
    return int(digits) if len(digits) <= MAX_DIGITS else BEYOND


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte positions asked for by a Range ``header``.

    None means "send the whole file" (no header, several ranges or an unparsable header,
    which RFC 9110 lets a server ignore). Raises RangeNotSatisfiable for a range that starts
    at or after ``size``.
    """
    match = _RANGE.match(header or "")
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last n bytes
        length = _position(last)
        if length == 0:
            raise RangeNotSatisfiable(header)
        return max(size - length, 0), size - 1
    start = _position(first)
    end = _position(last) if last else size - 1
    if start >= size:
        raise RangeNotSatisfiable(header)
    if end < start:
        return None
    return start, min(end, size - 1)


def _chunks(fileobj, start: int, length: int) -> Iterator[bytes]:
    try:
        fileobj.seek(start)
        remaining = length
        while remaining > 0:
            data = fileobj.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        fileobj.close()


def ranged_file_response(
    fieldfile, *, range_header: str, content_type: str
) -> HttpResponse | StreamingHttpResponse:
    """Stream ``fieldfile`` (a FieldFile) whole or the one range in ``range_header``."""
    size = fieldfile.size
    try:
        wanted = byte_range(range_header, size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(end - start + 1, 0)
    fileobj = fieldfile.storage.open(fieldfile.name, "rb")
    response = StreamingHttpResponse(
        _chunks(fileobj, start, length),
        status=206 if wanted else 200,
        content_type=content_type,
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
