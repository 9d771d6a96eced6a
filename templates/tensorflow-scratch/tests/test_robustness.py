"""Garbage in, a loud and useful failure out: CONTRACT.md section 11, R1-R7.

Serving: a trained model behind the WSGI app (in-process, as a gunicorn worker runs it) gets seeded
garbage of every class; nothing may answer 5xx, leak a traceback or path, answer 2xx with NaN, or
drop a record. Training: damaged hyperparameters and data must exit 1 with the cause (file, line,
hyperparameter) on the failure file's first line. Needs TensorFlow: run inside the image.
"""

import json
import random
import re
import time
import unittest

from helpers import FIXTURES, call, opt_ml, restore_signals, trained_server

try:
    import tensorflow  # noqa: F401
except ImportError:  # pragma: no cover - on a machine without TensorFlow
    tensorflow = None

CSV_BODY = (FIXTURES / "request.csv").read_text()
JSON_BODY = (FIXTURES / "request.json").read_text()
JSONL_BODY = (FIXTURES / "request.jsonl").read_text()
SAMPLES = [("text/csv", CSV_BODY), ("application/json", JSON_BODY), ("application/jsonlines", JSONL_BODY)]
ACCEPTS = ("application/json", "text/csv", "application/jsonlines")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
LEAKS = re.compile(r"traceback|/opt/|/usr/|/tmp/|\.py\b", re.IGNORECASE)



def strict_json(text):
    return json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(f"{name} is not JSON")))


def count_records(media: str, body: bytes) -> int:
    """Records in a 2xx answer, checking that it is valid in its type (R2)."""
    text = body.decode("utf-8")
    if media == "application/json":
        return len(strict_json(text)["predictions"])
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines:
        if media == "text/csv":
            assert not re.search(r"(^|,)[+-]?(nan|inf)", line, re.IGNORECASE), line
        else:
            strict_json(line)
    return len(lines)


def replace_numbers(rng, body: str, token: str, every: bool = False) -> str:
    spans = list(NUMBER.finditer(body))
    for match in reversed(spans if every else [rng.choice(spans)]):
        body = body[: match.start()] + token + body[match.end():]
    return body


def garbage(rng: random.Random, media: str, body: str):
    """(what, headers, body bytes, must_refuse) of every class the conformance suite sends."""
    headers = {"Content-Type": media, "Accept": media}
    depth = rng.randint(1000, 10000)
    for shape in ("[" * depth + "]" * depth, "[" * depth, '{"instances": ' + "[" * depth + "1" + "]" * depth + "}",
                  '{"a":' * depth + "1" + "}" * depth):
        yield f"nested {depth}", headers, shape.encode(), True
    for token in ("9" * rng.randint(300, 1000), "-" + "9" * 400, "1e" + "9" * 30, "NaN", "Infinity", "-Infinity",
                  "1e400", "-1e400", "nan", "inf", "1e39", "-3.5e38", "١٢", "１２", "1_000", "0x10", '"5.1"',
                  "true", "null", '"x"', "{}", "[]", "", "wide"):
        yield f"{token[:12]} for a number", headers, replace_numbers(rng, body, token).encode(), True
    yield "3.4e38 everywhere", headers, replace_numbers(rng, body, "3.4e38", every=True).encode(), True
    raw = body.encode()
    for _ in range(3):
        at = rng.randint(0, len(raw))
        yield "not UTF-8", headers, raw[:at] + b"\xff\xfe" + raw[at:], True
        yield "truncated", headers, raw[: rng.randint(1, len(raw) - 1)], False  # a cut at a line end is valid
    for shape in ('"instances"', "42", "{}", '{"instances": 5}', '{"instances": [[]]}', '{"instances": ["a"]}',
                  "[[]]", "null", "true", "[{}]", '{"inputs": null}', "", "\n\n", " "):
        yield f"shape {shape}", headers, shape.encode(), True
    yield "random bytes", headers, rng.randbytes(rng.randint(1, 65536)), True
    for odd, refuse in [({"Content-Type": media + ";;;"}, False), ({"Content-Type": media + "; charset=klingon"}, True),
                        ({"Content-Type": media + "; charset=utf-16"}, True), ({"Content-Type": media + "/extra"}, True),
                        ({"Accept": "*/*;q=abc"}, False), ({"Accept": "zzz/zzz"}, True), ({"Accept": media + ";q=0"}, True),
                        ({"Accept": ", ".join(f"x/y{i};q=0.{i % 10}" for i in range(60))}, True),
                        ({"X-Amzn-SageMaker-Custom-Attributes": "a=b;" * 204}, False),
                        ({"Content-Type": "application/octet-stream"}, True), ({"Content-Type": ""}, media != "application/json")]:
        yield f"headers {sorted(odd)}", {**headers, **odd}, raw, refuse


@unittest.skipIf(tensorflow is None, "TensorFlow is not installed; run the tests inside the image")
class ServingGarbageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tree, cls.root, cls.server = trained_server({"epochs": "5", "learning_rate": '"0.05"'})

    @classmethod
    def tearDownClass(cls):
        cls.tree.__exit__(None, None, None)

    def post(self, body, headers):
        return call(self.server.app, "POST", "/invocations", body, headers)

    def test_garbage_is_a_4xx_that_explains_itself(self):
        """R1, R2: every class, every content type; no 5xx, no leak, no 2xx on garbage."""
        rng = random.Random(20240611)
        statuses = {}
        for media, body in SAMPLES:
            for what, headers, data, refuse in garbage(rng, media, body):
                status, answer_headers, answer = self.post(data, headers)
                statuses[status] = statuses.get(status, 0) + 1
                context = f"{media}: {what} -> {status} {answer[:300]!r}"
                self.assertLess(status, 500, context)
                if status >= 400:
                    message = strict_json(answer)["message"]
                    self.assertFalse(LEAKS.search(message), context)
                else:
                    self.assertFalse(refuse, context)
                    count_records(answer_headers["Content-Type"], answer)
        self.assertGreater(statuses.get(400, 0), 100, statuses)
        # Still healthy afterwards.
        self.assertEqual(call(self.server.app, "GET", "/ping")[0], 200)
        self.assertEqual(self.post(CSV_BODY.encode(), {"Content-Type": "text/csv"})[0], 200)

    def test_out_of_range_input_is_a_400_not_a_nan_prediction(self):
        status, _, answer = self.post(b"3.4e38,3.4e38,3.4e38,3.4e38\n", {"Content-Type": "text/csv"})
        self.assertEqual(status, 400, answer)
        self.assertRegex(strict_json(answer)["message"], r'^CSV line 1 gives a non-finite "probabilities"')

    def test_a_damaged_record_is_named(self):
        """R3: the 4xx names the record, the first CSV line included (it is not a header)."""
        cases = [
            ("text/csv", "5.1,3.5,nan,0.2\n6.7,3.0,5.2,2.3\n", r"^CSV line 1, column 3: 'nan'"),
            ("text/csv", "5.1,3.5,1.4,0.2\n\n6.7,3.0,5.2\n", r"^CSV line 3 has 3 values, line 1 has 4"),
            ("text/csv", "5.1,3.5,1.4,0.2\n6.7,3.0,1e39,2.3\n", r"^CSV line 2, column 3: '1e39' is out of range"),
            ("application/json", '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, "3.0", 5.2, 2.3]]}', r"^instance 2 holds the string '3\.0'"),
            ("application/json", '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 1e39, 2.3]]}', r"^instance 2 holds 1e\+39, which is out of range"),
            ("application/json", '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2]]}', r"^instance 2 has 3 values where the first instance has 4"),
            ("application/jsonlines", "[5.1, 3.5, 1.4, 0.2]\n[6.7, true, 5.2, 2.3]\n", r"^line 2 holds true where a number belongs"),
            ("application/jsonlines", b"[5.1, 3.5, 1.4, 0.2]\n[6.7, 3.\xff0, 5.2, 2.3]\n", r"^line 2: byte 0xff is not UTF-8"),
        ]
        for media, body, pattern in cases:
            status, _, answer = self.post(body if isinstance(body, bytes) else body.encode(), {"Content-Type": media})
            self.assertEqual(status, 400, answer)
            self.assertRegex(strict_json(answer)["message"], pattern)

    def test_one_record_out_per_record_in(self):
        """R3: CSV lines, JSON instances, JSON Lines lines: N in, N out, in order, for every Accept."""
        rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 2.6, 4.1, 1.5]] * 3
        bodies = {
            "text/csv": "\n".join(",".join(map(str, r)) for r in rows) + "\n",
            "application/json": json.dumps({"instances": rows}),
            "application/jsonlines": "\n".join(json.dumps(r) for r in rows) + "\n",
        }
        expected = ["setosa", "virginica", "versicolor"] * 3
        for media, body in bodies.items():
            for accept in ACCEPTS:
                status, headers, answer = self.post(body.encode(), {"Content-Type": media, "Accept": accept})
                self.assertEqual(status, 200, answer)
                self.assertEqual(count_records(headers["Content-Type"], answer), len(rows), (media, accept))
                if accept == "text/csv":
                    self.assertEqual([line.split(",")[0] for line in answer.decode().splitlines()], expected)

    def test_the_largest_batch_is_answered_in_time(self):
        """R4: each sample repeated to just under 6 MB, every Accept: 2xx, one prediction per record,
        well inside the 60 s invocation limit (about 1-5 s each on two cores)."""
        limit = self.server.LIMIT - 1024
        instances = strict_json(JSON_BODY)["instances"]
        unit = ",".join(json.dumps(i) for i in instances)
        copies = (limit - 20) // (len(unit) + 1)
        bodies = {
            "text/csv": (CSV_BODY * (limit // len(CSV_BODY)), len(CSV_BODY.splitlines()) * (limit // len(CSV_BODY))),
            "application/jsonlines": (JSONL_BODY * (limit // len(JSONL_BODY)), len(JSONL_BODY.splitlines()) * (limit // len(JSONL_BODY))),
            "application/json": ('{"instances": [' + ",".join([unit] * copies) + "]}", len(instances) * copies),
        }
        for media, (body, records) in bodies.items():
            for accept in ACCEPTS:
                started = time.monotonic()
                status, headers, answer = self.post(body.encode(), {"Content-Type": media, "Accept": accept})
                seconds = time.monotonic() - started
                self.assertEqual(status, 200, answer[:300])
                self.assertEqual(count_records(headers["Content-Type"], answer), records, (media, accept))
                self.assertLess(seconds, 30, (media, accept))
                print(f"{media} -> {accept}: {len(body) / 2**20:.2f} MB, {records} records, {seconds:.1f} s", flush=True)


class TrainingGarbageTest(unittest.TestCase):
    """R5-R7: exit 1, and the failure file's first line names the hyperparameter or the file and line."""

    def train(self, hyperparameters=None, train_csv=None, validation_csv=None, input_config=None):
        from algorithm import training

        with opt_ml(hyperparameters or {"epochs": "2"}) as root:
            data = root / "input" / "data"
            if train_csv is not None:
                (data / "train" / "train.csv").write_bytes(train_csv)
            if validation_csv is not None:
                (data / "validation" / "validation.csv").write_bytes(validation_csv)
            if input_config is not None:
                (root / "input" / "config" / "inputdataconfig.json").write_text(json.dumps(input_config))
            try:
                code = training.main()
            finally:
                restore_signals()
            failure = root / "output" / "failure"
            first = failure.read_text().splitlines()[0] if failure.exists() else ""
            model_written = (root / "model" / "1").exists()
        return code, first, model_written

    def assertFails(self, pattern, **kwargs):
        code, first, model_written = self.train(**kwargs)
        self.assertEqual(code, 1, first)
        self.assertRegex(first[:1024], pattern)
        self.assertFalse(model_written)

    @staticmethod
    def damaged(name, line, column, value) -> bytes:
        lines = (FIXTURES / name).read_text().splitlines()
        cells = lines[line - 1].split(",")
        cells[column] = value
        lines[line - 1] = ",".join(cells)
        return ("\n".join(lines) + "\n").encode()

    def test_hyperparameters_that_pass_range_checks(self):
        for name, value in [("learning_rate", "nan"), ("learning_rate", '"NaN"'), ("dropout", "nan"),
                            ("learning_rate", "Infinity"), ("learning_rate", "\u0661"), ("batch_size", "1e23"),
                            ("epochs", "9007199254740993"), ("seed", "1_000")]:
            self.assertFails(f'^Hyperparameter "{name}" ', hyperparameters={name: value})

    def test_values_not_finite_in_float32(self):
        for value in ["nan", "inf", "-Infinity", "1e39", "-3.5e38", "1_000", "١٢", "0x10", ""]:
            self.assertFails(r"^train\.csv line 17, column 3 \(sepal_width\): ", train_csv=self.damaged("train/train.csv", 17, 2, value))

    def test_first_line_of_a_headerless_file_is_data(self):
        self.assertFails(r"^validation\.csv line 1, column 2: 'nan'",
                         validation_csv=self.damaged("validation/validation.csv", 1, 1, "nan"))

    def test_bytes_that_are_not_utf8(self):
        data = (FIXTURES / "train" / "train.csv").read_bytes().replace(b"setosa,5.0,2.6", b"seto\xffsa,5.0,2.6", 1)
        self.assertFails(r"^train\.csv line \d+: byte 0xff at position 5 is not UTF-8", train_csv=data)

    def test_wrong_column_count_empty_and_header_only(self):
        self.assertFails(r"^train\.csv line 17: 6 columns, expected 5", train_csv=self.damaged("train/train.csv", 17, 4, "0.2,1"))
        self.assertFails(r"^train\.csv is empty", train_csv=b"")
        self.assertFails(r"^train\.csv holds only a header", train_csv=b"species,a,b,c,d\n")
        self.assertFails(r"^validation\.csv is empty", validation_csv=b"")
        self.assertFails(r"^validation\.csv line 1: 3 features after the label, the train channel has 4 \(train\.csv line 2\)",
                         validation_csv=b"setosa,1,2,3\nvirginica,4,5,6\n")

    def test_one_class(self):
        rows = [line for line in (FIXTURES / "train" / "train.csv").read_text().splitlines() if line.startswith("setosa")]
        self.assertFails(r"^The train channel has one class only \('setosa', first at train\.csv line 1\)",
                         train_csv=("\n".join(rows) + "\n").encode())

    def test_channel_entry_that_is_not_an_object(self):
        for entry in ("File", [1], 5):
            self.assertFails(r'^inputdataconfig\.json: channel "train" must be a JSON object',
                             input_config={"train": entry, "validation": {}})

    def test_huge_but_finite_values_that_overflow_the_standardization(self):
        # 3e38 fits float32, but its square does not: the feature's variance would be inf, the
        # feature all zeros after standardization, and the job would exit 0 with a useless model.
        data = self.damaged("train/train.csv", 17, 2, "3e38")
        self.assertFails(r"^train\.csv line 17, column 3 \(sepal_width\): 3e\+38 is too large to standardize", train_csv=data)

    def test_validation_values_far_beyond_the_train_data(self):
        data = self.damaged("validation/validation.csv", 5, 2, "3e38")
        self.assertFails(r"^validation\.csv line 5, column 3 \(sepal_width\): 3e\+38 is .* standard deviations from", validation_csv=data)

    @unittest.skipIf(tensorflow is None, "needs Keras")
    def test_a_nan_loss_ends_training(self):
        from algorithm.model import Diverged, StopOnDivergence

        StopOnDivergence().on_epoch_end(0, {"loss": 0.5, "val_loss": 0.7})
        for logs in ({"loss": float("nan")}, {"loss": 0.5, "val_loss": float("inf")}):
            with self.assertRaises(Diverged):
                StopOnDivergence().on_epoch_end(2, logs)


if __name__ == "__main__":
    unittest.main()
