"""Bodies larger than a real-time request (asynchronous endpoints: up to 1 GB), answered streamed.

A CSV or JSON Lines body above REALTIME_LIMIT is read in batches of whole lines (about BATCH_BYTES
each, never the whole body); each batch is decoded, predicted and encoded on its own, and the
answer goes out batch by batch as a WSGI iterator (no Content-Length: gunicorn sends it chunked).
So a worker's memory follows the batch size, not the body size, and the bytes are the ones the
whole-body path gives for the same records.

The body is first copied, a batch's size at a time, to an unnamed temporary file (disk, not
memory), and the batches are read from there: nginx stops sending the request body to its
upstream as soon as the answer starts (it is not full-duplex over HTTP), so reading the socket
after the first answered batch would wait forever.

The status line leaves with the first batch's answer: a bad record in the first batch is still a
4xx, but one found later can no longer change the status. The answer is then aborted (an exception
inside the iterator: gunicorn closes the connection without the final chunk, and nginx, talking
HTTP/1.1 to it, passes the cut on), so the client sees a failed request, never a short 200.
"""

import tempfile
import time

from . import codecs
from .codecs import HttpError

REALTIME_LIMIT = 6 * 1024 * 1024  # I7: bodies up to this keep the whole-body path, errors and all
# About 16,000 short CSV records: TensorFlow's per-call cost is lost in them, and what one batch
# takes while it is decoded, predicted and encoded (~40x its size for JSON answers) stays small.
# Measured on 100 MB bodies: the same time as 1 MB batches, a third of their memory rise.
BATCH_BYTES = 256 * 1024
MAX_LINE_BYTES = REALTIME_LIMIT  # one record larger than a whole real-time request is refused


class StreamAborted(Exception):
    """A streamed answer that cannot be completed: raised inside the response iterator."""


class BodyReader:
    """read(n) over the request body: never past Content-Length (`length`); for a chunked body
    (`length` None), `too_large()` is raised once more than `limit` bytes came. `prefix` is what
    was read before streaming was chosen; it is handed out first, then dropped."""

    def __init__(self, stream, length=None, limit=None, too_large=None, prefix=b""):
        self._stream, self._left, self._limit, self._too_large = stream, length, limit, too_large
        self._prefix = memoryview(prefix) if prefix else None
        self._seen = len(prefix)

    def read(self, size: int) -> bytes:
        if self._prefix is not None:
            part = bytes(self._prefix[:size])
            self._prefix = self._prefix[size:] or None
            return part
        if self._left is not None:
            size = min(size, self._left)
            if size <= 0:
                return b""
        data = self._stream.read(size)
        if self._left is not None:
            self._left -= len(data)
        else:
            self._seen += len(data)
            if self._seen > self._limit:
                raise self._too_large()
        return data


def spooled_line_batches(read):
    """line_batches() of the whole body, copied to an unnamed temporary file first (see above);
    the file goes when the batches are done with or dropped."""
    with tempfile.TemporaryFile(prefix="invocation-body-") as spool:
        while True:
            chunk = read(BATCH_BYTES)
            if not chunk:
                break
            spool.write(chunk)
        spool.seek(0)
        yield from line_batches(spool.read)


def line_batches(read, batch_bytes: int = None, max_line: int = None):
    """(first line number, bytes) for consecutive runs of whole lines of what `read` gives, each
    at most `batch_bytes` long, the last one possibly without its final newline. A line longer
    than a batch comes alone, up to `max_line` bytes (400 beyond). Holds one batch at a time,
    plus the start of the next line: a batch never ends inside a line, so never inside a UTF-8
    character either (0x0a is never part of one)."""
    batch_bytes = batch_bytes or BATCH_BYTES
    max_line = max_line or MAX_LINE_BYTES
    pending, line, ended = bytearray(), 1, False
    while True:
        while not ended and len(pending) < batch_bytes:
            chunk = read(batch_bytes - len(pending))
            ended = not chunk
            pending += chunk
        if not pending:
            return
        cut = len(pending) if ended else pending.rfind(b"\n") + 1
        while cut == 0:  # a line longer than a batch: read on to its end
            if len(pending) > max_line:
                raise codecs.bad_request(
                    f"line {line} is longer than {max_line} bytes, the most one record may take; "
                    "send one record per line"
                )
            start = len(pending)
            chunk = read(min(batch_bytes, max_line + 1 - start))
            ended = not chunk
            pending += chunk
            cut = len(pending) if ended else pending.find(b"\n", start) + 1
        batch = bytes(pending[:cut])
        del pending[:cut]
        yield line, batch
        line += batch.count(b"\n")


def answer(batches, media: str, accept: str, predict, log):
    """The streamed answer to `batches` (line_batches) of a `media` body, in `accept`, as a WSGI
    iterator. predict(request) -> outputs, raising HttpError for the client's mistakes.

    The first batch is predicted here, before the caller starts the response: its errors (and
    a body with no records at all) are 4xx answers as usual."""
    progress = {"records": 0, "batches": 0, "bytes_in": 0, "started": time.monotonic()}
    parts = _parts(batches, media, accept, predict, progress)
    first = next(parts, None)
    if first is None:
        raise codecs.no_records(media)
    return _send(first, parts, accept, progress, log)


def _parts(batches, media, accept, predict, progress):
    """One encoded answer per batch that holds records. A refused batch's HttpError carries
    `lines`, the range of the body it covers, for the log."""
    reference = None  # CSV: (line, width) of the body's first record, which every record must match
    for first_line, data in batches:
        progress["bytes_in"] += len(data)
        try:
            request = codecs.decode_lines(data, media, first_line, reference)
            if request is None:
                continue  # only blank lines
            if media == codecs.CSV and reference is None:
                reference = (request.lines[0], request.instances.shape[1])
            part = codecs.encode_part(predict(request), request, accept)
        except HttpError as error:
            error.lines = (first_line, first_line + max(0, data.count(b"\n") - data.endswith(b"\n")))
            raise
        progress["records"] += len(request.lines)
        progress["batches"] += 1
        yield part


def _send(first, parts, accept, progress, log):
    prefix, separator, suffix = codecs.stream_frame(accept)
    sent = len(prefix) + len(first)
    yield prefix + first
    del first
    try:
        for part in parts:
            sent += len(separator) + len(part)
            yield separator + part
    except HttpError as error:
        lines = getattr(error, "lines", None)
        where = f"the batch of lines {lines[0]}-{lines[1]}" if lines else "reading the body"
        message = (
            f"streamed answer ABORTED after {progress['records']} records were answered: {where} failed with "
            f"{error.status} {error.code}: {error.message}. The status (200) had already gone out, so the "
            "connection is closed without the final chunk: the client sees a failed request, not a short answer"
        )
        log(message)
        raise StreamAborted(message) from None
    if suffix:
        sent += len(suffix)
        yield suffix
    log(
        f"streamed answer: {progress['records']} records in {progress['batches']} batches, "
        f"{progress['bytes_in'] / 1048576:.1f} MB in, {sent / 1048576:.1f} MB out, "
        f"{time.monotonic() - progress['started']:.1f} s"
    )
