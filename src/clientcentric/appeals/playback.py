"""Serving a file of an appeal in parts (HTTP Range, RFC 9110 §14): a long recording is played and sought by
the browser with `Range: bytes=…` requests, each answered 206 Partial Content with only the asked bytes.

One range per request: a browser's media element never asks for several, and a request for several is answered
with the whole file (200), which the RFC allows. A range that starts past the end is 416 with
`Content-Range: bytes */size`. A header that is not a bytes range at all is ignored (200, the whole file).

The audit (docs/appeals.md, «Прослушивание записей»): a player sends many range requests for one listening — the
first one, then one per seek — so a read is recorded once per playback session, not per chunk: the first request
for a file in the staff member's session is audited, and the session remembers it for PLAYBACK_SESSION; any
request after that window is audited again. So every person who gets any byte of a file leaves at least one
audit event per half hour, whatever ranges they ask for.
"""

import re
import time

PLAYBACK_SESSION = 30 * 60  # seconds
SESSION_KEY = "appeals.files_played"
CHUNK = 64 * 1024

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")

UNSATISFIABLE = "unsatisfiable"
clock = time.time  # the playback window's clock (tests move it)


def byte_range(header: str, size: int):
    """(first, last) inclusive for a satisfiable single range; UNSATISFIABLE; or None (serve the whole file)."""
    if not header or "," in header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - suffix), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # syntactically invalid: ignored, as the RFC says
    if start >= size:
        return UNSATISFIABLE
    return start, end


def read_part(handle, first: int, last: int):
    """The bytes first..last of an open file, in chunks, closing the file at the end."""
    try:
        handle.seek(first)
        left = last - first + 1
        while left > 0:
            block = handle.read(min(CHUNK, left))
            if not block:
                break
            left -= len(block)
            yield block
    finally:
        handle.close()


def first_in_session(session, attachment_id: int, now: float | None = None) -> bool:
    """Whether this request starts a playback session of the file (then the read is audited), remembering it."""
    now = clock() if now is None else now
    played = {k: v for k, v in session.get(SESSION_KEY, {}).items() if now - v < PLAYBACK_SESSION}
    key = str(attachment_id)
    if key in played:
        if played != session.get(SESSION_KEY):
            session[SESSION_KEY] = played
        return False
    played[key] = now
    session[SESSION_KEY] = played
    return True
