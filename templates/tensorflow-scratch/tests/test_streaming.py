"""Bodies above the real-time limit (asynchronous endpoints), answered streamed: streaming.py.

The batch reader needs only NumPy; the answers need a trained model (TensorFlow: run inside the
image, README, Develop). The thresholds are module attributes, lowered here so that a body of a
few hundred kilobytes streams in dozens of batches; one test keeps the real ones (a 7 MB body).
"""

import io
import json
import unittest
from contextlib import contextmanager
from unittest import mock

from helpers import FIXTURES, call, trained_server

from algorithm import streaming
from algorithm.codecs import HttpError

try:
    import tensorflow  # noqa: F401
except ImportError:  # pragma: no cover - on a machine without TensorFlow
    tensorflow = None

CSV_ROWS = (FIXTURES / "request.csv").read_bytes()
JSONL_ROWS = (FIXTURES / "request.jsonl").read_bytes()
ACCEPTS = ("application/json", "text/csv", "application/jsonlines")


class CountingStream(io.BytesIO):
    """A wsgi.input that remembers how far it was read and the largest single read."""

    largest_read = 0

    def read(self, size=-1):
        self.largest_read = max(self.largest_read, size)
        return super().read(size)


class LineBatchesTest(unittest.TestCase):
    def batches(self, body: bytes, batch_bytes: int, max_line: int = 10_000):
        stream = CountingStream(body)
        out, yielded = [], 0
        for first_line, data in streaming.line_batches(stream.read, batch_bytes, max_line):
            # Read from the body but not handed on before this batch: one batch, or one long line
            # and what was read past its end.
            held = stream.tell() - yielded
            bound = batch_bytes if len(data) <= batch_bytes else len(data) + batch_bytes
            self.assertLessEqual(held, bound, "the reader ran ahead of its bound")
            out.append((first_line, data))
            yielded += len(data)
        self.assertLessEqual(stream.largest_read, batch_bytes)
        return out

    def test_whole_lines_numbered_and_bounded(self):
        body = b"".join(b"%d,2,3,4\n" % n for n in range(1, 5001))
        batches = self.batches(body, 1000)
        self.assertGreater(len(batches), 30)
        self.assertEqual(b"".join(data for _, data in batches), body)
        for first_line, data in batches:
            self.assertLessEqual(len(data), 1000)
            self.assertTrue(data.endswith(b"\n"))
            self.assertTrue(data.startswith(b"%d," % first_line), (first_line, data[:20]))

    def test_last_line_without_newline_and_blank_lines(self):
        body = (b"1,2\n\n\r\n" * 300) + b"9,9"
        batches = self.batches(body, 256)
        self.assertEqual(b"".join(data for _, data in batches), body)
        self.assertEqual(batches[-1][1][-3:], b"9,9")
        self.assertEqual(batches[-1][0] + batches[-1][1].count(b"\n"), 901)

    def test_a_line_longer_than_a_batch_comes_alone(self):
        long_line = b"[" + b"1, " * 3000 + b"1]\n"
        body = b"[1]\n" * 10 + long_line + b"[2]\n" * 10
        batches = self.batches(body, 1000)
        self.assertIn((11, long_line), batches)
        self.assertEqual(b"".join(data for _, data in batches), body)

    def test_a_line_longer_than_max_line_is_a_400(self):
        body = b"1\n" + b"1," * 20_000 + b"1\n"
        with self.assertRaises(HttpError) as caught:
            self.batches(body, 1000, max_line=5000)
        self.assertEqual(caught.exception.status, 400)
        self.assertIn("line 2 is longer than 5000 bytes", caught.exception.message)

    def test_body_reader_stops_at_content_length_and_hands_out_the_prefix_first(self):
        stream = io.BytesIO(b"cdefXYZ")
        reader = streaming.BodyReader(stream, 4)
        self.assertEqual((reader.read(3), reader.read(3), reader.read(3)), (b"cde", b"f", b""))
        self.assertEqual(stream.read(), b"XYZ")
        chunked = streaming.BodyReader(io.BytesIO(b"cdefgh"), None, 7, lambda: HttpError(413, "x", "y"), b"ab")
        self.assertEqual((chunked.read(5), chunked.read(3)), (b"ab", b"cde"))
        with self.assertRaises(HttpError):
            chunked.read(5)  # 9 bytes > 7



def call_chunks(app, body: bytes, headers: dict, chunked: bool = False):
    """Calls the app; returns (status, headers, [chunks], exception raised while iterating or None)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/invocations",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": "" if chunked else str(len(body)),
        "CONTENT_TYPE": headers.get("Content-Type", ""),
        "HTTP_ACCEPT": headers.get("Accept", ""),
    }
    captured = {}

    def start_response(status, response_headers):
        captured.update(status=int(status.split()[0]), headers=dict(response_headers))

    chunks, error = [], None
    try:
        for chunk in app(environ, start_response):
            chunks.append(chunk)
    except Exception as caught:  # noqa: BLE001 - what gunicorn would see
        error = caught
    return captured["status"], captured["headers"], chunks, error


@unittest.skipIf(tensorflow is None, "TensorFlow is not installed; run the tests inside the image")
class StreamedAnswerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tree, _, cls.server = trained_server({"epochs": "5", "learning_rate": '"0.05"'})

    @classmethod
    def tearDownClass(cls):
        cls.tree.__exit__(None, None, None)

    @contextmanager
    def streamed(self, realtime=1000, batch=4096):
        """Bodies above `realtime` bytes stream, in batches of `batch` bytes; the log is captured."""
        logged = []
        with mock.patch.object(streaming, "REALTIME_LIMIT", realtime), mock.patch.object(
            streaming, "BATCH_BYTES", batch
        ), mock.patch.object(self.server, "log", logged.append):
            yield logged

    def test_same_bytes_as_the_whole_body_for_every_accept(self):
        for media, rows in (("text/csv", CSV_ROWS), ("application/jsonlines", JSONL_ROWS)):
            body = rows * 500  # 3,000 records, dozens of batches
            for accept in ACCEPTS:
                headers = {"Content-Type": media, "Accept": accept}
                status, whole_headers, whole = call(self.server.app, "POST", "/invocations", body, headers)
                self.assertEqual(status, 200, whole[:300])
                self.assertIn("Content-Length", whole_headers)
                for chunked in (False, True):
                    with self.streamed() as logged:
                        status, answer_headers, chunks, error = call_chunks(self.server.app, body, headers, chunked)
                    context = (media, accept, chunked)
                    self.assertIsNone(error, context)
                    self.assertEqual((status, answer_headers["Content-Type"]), (200, accept), context)
                    self.assertNotIn("Content-Length", answer_headers, context)
                    self.assertGreater(len(chunks), 10, context)
                    self.assertEqual(b"".join(chunks), whole, context)
                    self.assertRegex(logged[-1], r"streamed answer: 3000 records in \d+ batches", context)

    def test_a_bad_record_in_the_first_batch_is_a_400(self):
        body = CSV_ROWS + b"5.1,wide,1.4,0.2\n" + CSV_ROWS * 500
        headers = {"Content-Type": "text/csv", "Accept": "text/csv"}
        _, _, expected = call(self.server.app, "POST", "/invocations", body, headers)
        with self.streamed():
            status, answer_headers, chunks, error = call_chunks(self.server.app, body, headers)
        self.assertIsNone(error)
        self.assertEqual((status, answer_headers["Content-Type"]), (400, "application/json"))
        self.assertEqual(b"".join(chunks), expected)  # the whole-body path's message, word for word
        self.assertIn("CSV line 7, column 2", json.loads(expected)["message"])

    def test_a_bad_record_later_aborts_the_answer_and_is_logged(self):
        cases = [
            ("text/csv", CSV_ROWS * 400 + b"5.1,wide,1.4,0.2\n", "CSV line 2401, column 2"),
            ("text/csv", CSV_ROWS * 400 + b"5.1,3.5,1.4\n", "CSV line 2401 has 3 values, line 1 has 4"),
            ("application/jsonlines", JSONL_ROWS * 400 + b"[5.1, 3.5\n", "line 2401 is not valid JSON"),
            ("text/csv", CSV_ROWS * 400 + b"3e38,3e38,3e38,3e38\n", "CSV line 2401 gives a non-finite"),
        ]
        for media, body, named in cases:
            body += CSV_ROWS if media == "text/csv" else JSONL_ROWS
            for accept in ACCEPTS:
                with self.streamed() as logged:
                    status, _, chunks, error = call_chunks(self.server.app, body, {"Content-Type": media, "Accept": accept})
                context = (media, named, accept)
                self.assertEqual(status, 200, context)  # already sent when the record is reached
                self.assertIsInstance(error, streaming.StreamAborted, context)
                self.assertGreater(len(chunks), 1, context)
                self.assertIn(named, str(error), context)
                self.assertIn("ABORTED", logged[-1], context)
                if accept == "application/json":
                    with self.assertRaises(ValueError):
                        json.loads(b"".join(chunks))  # never a complete document

    def test_a_body_of_blank_lines_is_a_400(self):
        with self.streamed():
            status, _, chunks, _ = call_chunks(self.server.app, b"\n \n" * 2000, {"Content-Type": "text/csv"})
        self.assertEqual(status, 400)
        self.assertIn("the CSV body has no records", json.loads(b"".join(chunks))["message"])

    def test_a_chunked_body_over_the_limit_is_a_413(self):
        body = CSV_ROWS * 400
        headers = {"Content-Type": "text/csv", "Accept": "text/csv"}
        for realtime, limit in ((1000, len(body) // 2), (100, 50)):  # found while streaming, or before
            with self.streamed(realtime=realtime), mock.patch.object(self.server, "LIMIT", limit):
                status, _, chunks, error = call_chunks(self.server.app, body, headers, chunked=True)
            self.assertEqual((status, error), (413, None))
            self.assertEqual(json.loads(b"".join(chunks))["error"], "payload_too_large")

    def test_the_body_is_read_before_the_answer_starts(self):
        """nginx stops sending the body once the answer starts: reading on then would hang."""
        started = []

        class Input(CountingStream):
            def read(self, size=-1):
                if started:
                    raise AssertionError("wsgi.input read after start_response")
                return super().read(size)

        body = CSV_ROWS * 500
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/invocations", "wsgi.input": Input(body),
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "text/csv", "HTTP_ACCEPT": "text/csv",
        }
        with self.streamed():
            answer = b"".join(self.server.app(environ, lambda status, headers: started.append(status)))
        self.assertEqual((started, answer.count(b"\n")), (["200 OK"], 3000))
        self.assertLessEqual(environ["wsgi.input"].largest_read, 4096)  # bounded reads, never the whole body

    def test_json_documents_keep_the_whole_body_path(self):
        body = (FIXTURES / "request.json").read_bytes()
        with self.streamed(realtime=10):
            status, headers, chunks, error = call_chunks(self.server.app, body, {"Content-Type": "application/json"})
        self.assertEqual((status, error, len(chunks)), (200, None, 1))
        self.assertIn("Content-Length", headers)

    def test_a_7_mb_body_with_the_real_thresholds(self):
        body = CSV_ROWS * (7 * 2**20 // len(CSV_ROWS))
        records = body.count(b"\n")
        headers = {"Content-Type": "text/csv", "Accept": "application/json"}
        with mock.patch.object(self.server, "LIMIT", 8 * 2**20):
            status, _, chunks, error = call_chunks(self.server.app, body, headers)
            with mock.patch.object(streaming, "REALTIME_LIMIT", 8 * 2**20):
                _, whole_headers, whole = call(self.server.app, "POST", "/invocations", body, headers)
        self.assertEqual((status, error), (200, None))
        self.assertGreaterEqual(len(chunks), 7)  # about one per MB
        self.assertIn("Content-Length", whole_headers)
        self.assertEqual(b"".join(chunks), whole)
        self.assertEqual(len(json.loads(whole)["predictions"]), records)


if __name__ == "__main__":
    unittest.main()
