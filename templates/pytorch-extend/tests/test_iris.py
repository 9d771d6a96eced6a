"""Unit tests of code/iris.py; they need PyTorch, so they run in the built image (README: Develop).

Training is called in-process on the fixtures; the four serving functions are called the way the
inference toolkit calls them, without TorchServe, and once through the toolkit's own Transformer.
Each garbage class of README "Robustness" has a test here that fails on a script that accepts it."""

import json
import math
import os
import re
import shutil
import tempfile
import time
import unittest
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from unittest import mock

import iris

TEMPLATE = Path(__file__).resolve().parent.parent
FIXTURES = Path(os.environ.get("FIXTURES", TEMPLATE / "fixtures"))
SCHEMA = TEMPLATE / "hyperparameters.schema.json"
TRAIN_CSV = (FIXTURES / "train" / "train.csv").read_bytes()
VALIDATION_CSV = (FIXTURES / "validation" / "validation.csv").read_bytes()
SIX_MB = 6 * 1024 * 1024


def error_of(call) -> iris.BaseInferenceToolkitError:
    try:
        call()
    except iris.BaseInferenceToolkitError as error:
        return error
    raise AssertionError("expected a BaseInferenceToolkitError")


def error_status(call) -> int:
    return error_of(call).status_code


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, as a strict client does (CONTRACT R2)."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def with_line(number: int, line: bytes, data: bytes = TRAIN_CSV) -> bytes:
    """The data with physical line `number` (1-based) replaced."""
    lines = data.split(b"\n")
    lines[number - 1] = line
    return b"\n".join(lines)


class Quiet:
    """Runs a call with stdout and stderr captured (training prints per epoch)."""

    def __init__(self):
        self.out, self.err = StringIO(), StringIO()

    def __call__(self, call, *args):
        with redirect_stdout(self.out), redirect_stderr(self.err):
            return call(*args)


# ---- Hyperparameters ---------------------------------------------------------------------------


class Hyperparameters(unittest.TestCase):
    def test_defaults_need_no_hyperparameters(self):
        args = iris.parse_args([])
        self.assertEqual((args.epochs, args.batch_size), (30, 16))

    def test_strings_become_typed_values(self):
        args = iris.parse_args(["--epochs", "3", "--learning_rate", "0.2", "--seed=0"])
        self.assertEqual((args.epochs, args.learning_rate, args.seed), (3, 0.2, 0))

    def test_whole_numbers_written_as_decimals_are_integers(self):
        self.assertEqual(iris.parse_args(["--batch_size", "32.0", "--epochs", "1e2"]).epochs, 100)

    def test_sagemaker_and_tuning_keys_are_ignored(self):
        args = iris.parse_args(["--_tuning_objective_metric", "x", "--sagemaker_program", "y"])
        self.assertEqual(args.epochs, 30)

    def test_garbage_in_every_hyperparameter_is_refused_naming_it(self):
        garbage = [
            "abc", "", "true", "[1]", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity",
            "1e400", "-1e400", "100000000000000000000000", "9007199254740993", "1e99999999999999999999",
            "0x10", "1_000", " 5", "5 ", "\uff11\uff12", "\u0661\u0662", "1,5",
        ]
        for name, spec in iris.HYPERPARAMETERS.items():
            below = spec.minimum if spec.exclusive_minimum else spec.minimum - 1
            cases = garbage + [str(below), str(spec.maximum + 1), str(spec.maximum * 10.0)]
            if spec.kind is int:
                cases += ["1.5", str(spec.minimum + 0.5)]
            for text in cases:
                with self.subTest(name=name, value=text):
                    with self.assertRaises(iris.HyperparameterError) as caught:
                        iris.parse_args([f"--{name}", text])
                    self.assertIn(f"hyperparameter {name}", str(caught.exception).splitlines()[0])

    def test_a_learning_rate_that_rounds_to_zero_is_refused(self):
        with self.assertRaisesRegex(iris.HyperparameterError, "learning_rate.*rounds to 0.0"):
            iris.parse_args(["--learning_rate", "1e-400"])

    def test_unknown_and_malformed_arguments_are_refused(self):
        for argv, needle in [
            (["--learning_rat", "0.1"], "learning_rat is unknown"),
            (["--epochs"], "epochs has no value"),
            (["stray"], "unexpected argument"),
            (["--epochs", "3", "--epochs", "4"], "epochs is given twice"),
        ]:
            with self.subTest(argv=argv), self.assertRaisesRegex(iris.HyperparameterError, needle):
                iris.parse_args(argv)

    def test_every_problem_is_listed_the_first_one_first(self):
        with self.assertRaises(iris.HyperparameterError) as caught:
            iris.parse_args(["--epochs", "0", "--learning_rate", "nan"])
        lines = str(caught.exception).splitlines()
        self.assertIn("epochs", lines[0])
        self.assertIn("learning_rate", lines[1])

    def test_the_schema_declares_what_the_script_checks(self):
        schema = json.loads(SCHEMA.read_text())
        self.assertEqual(schema["$schema"], "http://json-schema.org/draft-07/schema#")
        self.assertIs(schema["additionalProperties"], False)
        self.assertEqual(set(schema["properties"]), set(iris.HYPERPARAMETERS))
        for name, spec in iris.HYPERPARAMETERS.items():
            declared = schema["properties"][name]
            with self.subTest(name=name):
                self.assertEqual(declared["type"], "integer" if spec.kind is int else "number")
                self.assertEqual(declared["default"], spec.default)
                self.assertEqual(declared["maximum"], spec.maximum)
                self.assertLess(spec.maximum, 2**53)
                minimum = "exclusiveMinimum" if spec.exclusive_minimum else "minimum"
                self.assertEqual(declared[minimum], spec.minimum)
                self.assertTrue(declared["description"])
                iris.parse_hyperparameter(name, str(declared["default"]))  # the default passes


# ---- Training: the failure file ----------------------------------------------------------------


class TrainingFailures(unittest.TestCase):
    """main() on broken input: non-zero, and /opt/ml/output/failure names the cause first."""

    def setUp(self):
        self.work = Path(tempfile.mkdtemp(prefix="iris-"))
        self.output = self.work / "output"
        patcher = mock.patch.dict(os.environ, {"SM_OUTPUT_DIR": str(self.output)})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(shutil.rmtree, self.work)

    def channel(self, name: str, files: dict) -> str:
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for file, data in files.items():
            (folder / file).write_bytes(data)
        return str(folder)

    def run_main(self, train=None, validation=None, args=()):
        argv = ["--epochs", "2", "--model-dir", str(self.work / "model"), *args]
        train = {"train.csv": TRAIN_CSV} if train is None else train
        argv += ["--train", self.channel("train", train)]
        if validation is not None:
            argv += ["--validation", self.channel("validation", validation)]
        failure = self.output / "failure"
        failure.unlink(missing_ok=True)
        code = Quiet()(iris.main, argv)
        return code, failure.read_text() if failure.exists() else None

    def assert_fails_naming(self, needle: str, **kwargs):
        code, failure = self.run_main(**kwargs)
        self.assertNotEqual(code, 0, "the run succeeded on garbage")
        self.assertIsNotNone(failure, "no failure file")
        self.assertIn(needle, failure.splitlines()[0], failure)
        self.assertFalse((self.work / "model" / iris.MODEL_FILE).exists())
        return failure

    def test_good_data_trains_and_writes_no_failure(self):
        code, failure = self.run_main(validation={"validation.csv": VALIDATION_CSV})
        self.assertEqual((code, failure), (0, None))
        self.assertTrue((self.work / "model" / iris.MODEL_FILE).exists())

    def test_a_bad_hyperparameter_exits_2_naming_it(self):
        for value in ["nan", "inf", "-1", "1e400", "abc"]:
            with self.subTest(value=value):
                code, failure = self.run_main(args=["--learning_rate", value])
                self.assertEqual(code, 2)
                self.assertTrue(failure.startswith("hyperparameter learning_rate="), failure)

    def test_a_huge_batch_size_is_refused(self):
        self.assert_fails_naming("batch_size", args=["--batch_size", str(10**23)])

    def test_damaged_values_name_the_file_and_line(self):
        cases = {
            "nan": b"setosa,nan,3.5,1.4,0.2",
            "inf": b"setosa,5.1,inf,1.4,0.2",
            "-Infinity": b"setosa,5.1,3.5,1.4,-Infinity",
            "beyond float32": b"setosa,5.1,3.5,1e39,0.2",
            "overflow": b"setosa,5.1,3.5,1e400,0.2",
            "full-width digits": "setosa,\uff15.1,3.5,1.4,0.2".encode(),
            "arabic-indic digits": "setosa,\u0665.1,3.5,1.4,0.2".encode(),
            "underscore": b"setosa,1_000,3.5,1.4,0.2",
            "hex": b"setosa,0x10,3.5,1.4,0.2",
            "space": b"setosa, 5.1,3.5,1.4,0.2",
            "4 columns": b"setosa,5.1,3.5,1.4",
            "6 columns": b"setosa,5.1,3.5,1.4,0.2,9",
            "empty species": b",5.1,3.5,1.4,0.2",
            "non-UTF-8 species": b"set\xffosa,5.1,3.5,1.4,0.2",
            "non-UTF-8 value": b"setosa,5.1,3\xe9.5,1.4,0.2",
            "whitespace line": b"   ",
        }
        for name, line in cases.items():
            with self.subTest(name):
                self.assert_fails_naming("train.csv line 17:", train={"train.csv": with_line(17, line)})

    def test_a_damaged_first_line_is_not_a_header(self):
        data = b"species,5.1,3.5,1.4\n" + TRAIN_CSV.split(b"\n", 1)[1]
        self.assert_fails_naming("train.csv line 1:", train={"train.csv": data})

    def test_a_file_without_a_header_trains(self):
        code, _ = self.run_main(train={"part-0": TRAIN_CSV.split(b"\n", 1)[1]})
        self.assertEqual(code, 0)

    def test_empty_and_header_only_files_are_named(self):
        header = TRAIN_CSV.split(b"\n")[0] + b"\n"
        for files, needle in [
            ({"train.csv": TRAIN_CSV, "empty.csv": b""}, "empty.csv is empty"),
            ({"train.csv": b"\n\n"}, "train.csv is empty"),
            ({"train.csv": header}, "train.csv holds only a header"),
        ]:
            with self.subTest(needle):
                self.assert_fails_naming(needle, train=files)

    def test_every_file_of_the_channel_is_read(self):
        extra = b"setosa,1,2,3,4\nsetosa,nan,2,3,4\n"  # an S3 key without .csv
        self.assert_fails_naming("extra line 2:", train={"train.csv": TRAIN_CSV, "extra": extra})

    def test_a_single_species_is_refused(self):
        lines = TRAIN_CSV.split(b"\n")
        one = b"\n".join([lines[0]] + [l for l in lines[1:] if l.startswith(b"setosa")]) + b"\n"
        failure = self.assert_fails_naming("train.csv", train={"train.csv": one})
        self.assertIn("one species", failure)

    def test_the_validation_channel_is_checked_as_strictly(self):
        unknown = with_line(2, b"unicorn,5.9,2.9,4.1,1.4", VALIDATION_CSV)
        self.assert_fails_naming("validation.csv line 2:", validation={"validation.csv": unknown})
        broken = with_line(3, b"virginica,nan,3.8,5.8,2.3", VALIDATION_CSV)
        self.assert_fails_naming("validation.csv line 3:", validation={"validation.csv": broken})

    def test_a_missing_channel_is_named(self):
        code = Quiet()(iris.main, ["--train", str(self.work / "nowhere")])
        self.assertEqual(code, 1)
        self.assertIn("train channel", (self.output / "failure").read_text().splitlines()[0])

    def test_a_diverging_run_fails_naming_the_learning_rate(self):
        with mock.patch.object(iris, "evaluate", return_value=(math.nan, 0.0)):
            failure = self.assert_fails_naming("training diverged at epoch 1")
        self.assertIn("learning_rate", failure.splitlines()[0])

    def test_an_unexpected_error_puts_its_cause_before_the_traceback(self):
        with mock.patch.object(iris, "build", side_effect=RuntimeError("out of memory")):
            failure = self.assert_fails_naming("RuntimeError: out of memory")
        self.assertIn("Traceback", failure)


# ---- Serving -----------------------------------------------------------------------------------


class TrainThenServe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model_dir = tempfile.mkdtemp(prefix="model-")
        out = StringIO()
        with redirect_stdout(out):
            iris.train(
                iris.parse_args(
                    [
                        "--epochs", "40",
                        "--model-dir", cls.model_dir,
                        "--train", str(FIXTURES / "train"),
                        "--validation", str(FIXTURES / "validation"),
                    ]
                )
            )
        cls.log = out.getvalue()
        cls.model = iris.model_fn(cls.model_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.model_dir)

    def answer(self, body, content_type="text/csv", accept="application/json"):
        data = iris.input_fn(body, content_type)
        return iris.output_fn(iris.predict_fn(data, self.model), accept)

    def refused(self, body, content_type, status=400):
        error = error_of(lambda: self.answer(body, content_type))
        self.assertEqual(error.status_code, status, error.message)
        self.assertNotIn("Traceback", error.message)
        self.assertLess(len(error.message), 400)
        return error.message

    def test_logs_regex_friendly_metrics_every_epoch(self):
        lines = [line for line in self.log.splitlines() if line.startswith("epoch=")]
        self.assertEqual(len(lines), 40)
        self.assertRegex(lines[-1], r"validation_accuracy=0\.9\d+|validation_accuracy=1\.0+")

    def test_reports_the_device_it_chose(self):
        self.assertIn("device=cpu", self.log)

    def test_json_in_json_out(self):
        body = (FIXTURES / "request.json").read_text()
        text, kind = self.answer(body, "application/json", "application/json")
        predictions = strict_json(text)["predictions"]
        self.assertEqual(kind, "application/json")
        self.assertEqual(len(predictions), 6)
        self.assertEqual(predictions[2]["label"], "setosa")
        self.assertAlmostEqual(sum(predictions[0]["probabilities"]), 1.0, places=4)

    def test_csv_in_csv_and_jsonlines_out(self):
        data = iris.input_fn("5.0,3.4,1.6,0.2\n7.2,2.9,6.1,2.1\n", "text/csv")
        predictions = iris.predict_fn(data, self.model)
        self.assertEqual(iris.output_fn(predictions, "text/csv"), ("setosa\nvirginica\n", "text/csv"))
        lines, _ = iris.output_fn(predictions, "application/jsonlines")
        self.assertEqual([strict_json(l)["label"] for l in lines.splitlines()], ["setosa", "virginica"])

    def test_the_same_records_in_any_format_give_the_same_answer(self):
        rows = [[5.9, 2.8, 5.3, 2.1], [5.0, 3.4, 1.6, 0.2], [6.2, 2.5, 3.6, 1.1]]
        bodies = {
            "text/csv": "".join(",".join(map(str, r)) + "\r\n" for r in rows),
            "application/json": json.dumps(rows),
            "application/jsonlines": "\n".join(json.dumps({"features": r}) for r in rows),
            "application/jsonl": "".join(json.dumps(r) + "\n" for r in rows),
        }
        answers = {kind: self.answer(body, kind, "text/csv")[0] for kind, body in bodies.items()}
        self.assertEqual(len(set(answers.values())), 1, answers)
        self.assertEqual(answers["text/csv"].count("\n"), 3)

    def test_one_record_out_per_record_in_and_in_order(self):
        rows = [[5.0, 3.4, 1.6, 0.2], [7.2, 2.9, 6.1, 2.1]] * 50
        text, _ = self.answer("".join(",".join(map(str, r)) + "\n" for r in rows))
        labels = [p["label"] for p in strict_json(text)["predictions"]]
        self.assertEqual(labels, ["setosa", "virginica"] * 50)

    def test_client_errors_have_the_right_status(self):
        self.assertEqual(error_status(lambda: iris.input_fn("{", "application/json")), 400)
        self.assertEqual(error_status(lambda: iris.input_fn("1,2,3\n", "text/csv")), 400)
        self.assertEqual(error_status(lambda: iris.input_fn('[[1, "x", 3, 4]]', "application/json")), 400)
        for content_type in ["application/xml", None, "", "*/*", "text/csv; charset=latin-1", "text/plain"]:
            with self.subTest(content_type=content_type):
                self.assertEqual(error_status(lambda: iris.input_fn("1,2,3,4\n", content_type)), 415)
        predictions = iris.predict_fn(iris.input_fn("1,2,3,4\n", "text/csv"), self.model)
        for accept in ["image/png", "garbage", "text/csv;q=0", "text/html, image/*"]:
            with self.subTest(accept=accept):
                self.assertEqual(error_status(lambda: iris.output_fn(predictions, accept)), 406)

    def test_accept_lists_pick_the_preferred_supported_type(self):
        predictions = iris.predict_fn(iris.input_fn("1,2,3,4\n", "text/csv"), self.model)
        for accept, kind in [
            ("image/png, text/csv", "text/csv"),
            ("text/csv;q=0.5, application/jsonlines", "application/jsonlines"),
            ("text/*", "text/csv"),
            ("*/*", "application/json"),
            ("APPLICATION/JSON; charset=utf-8", "application/json"),
        ]:
            with self.subTest(accept=accept):
                self.assertEqual(iris.output_fn(predictions, accept)[1], kind)

    def test_deep_nesting_is_a_client_error(self):
        for depth in (1000, 10000):
            closed = "[" * depth + "]" * depth
            for body in ["[" * depth, closed, '{"instances":' + closed + "}"]:
                with self.subTest(depth=depth, body=body[-20:]):
                    self.refused(body, "application/json")
            self.refused("[" * depth + "]" * depth + "\n", "application/jsonlines")

    def test_numbers_with_hundreds_of_digits_are_client_errors(self):
        huge = "1" * 400
        self.assertIn("instance 1", self.refused(f"[[{huge}, 1, 2, 3]]", "application/json"))
        self.assertIn("line 1", self.refused(f"[1, 2, 3, -{huge}]\n", "application/jsonlines"))
        self.assertIn("line 2", self.refused(f"1,2,3,4\n{huge},1,2,3\n", "text/csv"))
        self.refused("[[" + "9" * 5000 + ", 1, 2, 3]]", "application/json")  # past int's digit limit

    def test_non_finite_and_out_of_range_numbers_are_refused_naming_the_record(self):
        for token in ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "3.5e38", "1e39"]:
            with self.subTest(token=token):
                body = f'{{"instances": [[5.1, 3.5, 1.4, 0.2], [5.1, {token}, 1.4, 0.2]]}}'
                self.assertIn("instance 2", self.refused(body, "application/json"))
                self.assertIn("line 2", self.refused(f"[1,2,3,4]\n[1,2,3,{token}]\n", "application/jsonlines"))
        for token in ["nan", "inf", "-inf", "NaN", "Infinity", "1e39", "-3.5e38", "1e400"]:
            with self.subTest(token=token):
                self.assertIn("line 3", self.refused(f"1,2,3,4\n1,2,3,4\n1,{token},3,4\n", "text/csv"))

    def test_python_float_leniencies_are_refused(self):
        tokens = ["\u0661\u0662", "\uff11\uff12", "1_000", "0x10", " nan", "inf", " 5.1", "5.1 "]
        for token in tokens + ["+", ".", "1e", "1.2.3", '"5.1"', ""]:
            with self.subTest(token=token):
                message = self.refused(f"1,2,3,4\n1,2,{token},4\n", "text/csv")
                self.assertIn("line 2", message)
                self.assertIn("petal_length", message)

    def test_non_utf8_bytes_are_client_errors(self):
        for content_type in ["text/csv", "application/json", "application/jsonlines"]:
            for body in [b"1,2,3,4\n5,6,\xff,8\n", b'[[1, 2, 3, 4], [5, "\xe9", 7, 8]]', b"[1,2,3,\xc3"]:
                with self.subTest(content_type=content_type, body=body):
                    message = self.refused(body, content_type)
                    self.assertRegex(message, r"line \d+: byte 0x.. is not UTF-8")

    def test_wrong_json_types_are_client_errors(self):
        bodies = [
            '"string"', "5", "null", "true", "{}", '{"instances": "x"}', '{"instances": 5}',
            '{"instances": [[1,2,3,4]], "extra": 1}', '{"instance": [[1,2,3,4]]}', "[]",
            '{"instances": []}', "[[true, false, 1, 2]]", "[[null, 1, 2, 3]]", '[["5.1", 3, 1, 0]]',
            "[[1,2,3]]", "[[1,2,3,4,5]]", "[[[1,2,3,4]]]", "[1,2,3,4]", '[{"a": 1}]',
        ]
        for body in bodies:
            with self.subTest(body=body):
                self.refused(body, "application/json")
        for body in ['"x"\n', "[1,2,3]\n", "[true,1,2,3]\n", '{"features": [1,2,3,4], "id": 1}\n']:
            with self.subTest(body=body):
                self.assertIn("line 1", self.refused(body, "application/jsonlines"))

    def test_empty_and_truncated_bodies_are_client_errors(self):
        for content_type in ["text/csv", "application/json", "application/jsonlines"]:
            for body in ["", " ", "\n", "\r\n", b"", b"\t\n"]:
                with self.subTest(content_type=content_type, body=body):
                    self.refused(body, content_type)
        full = (FIXTURES / "request.json").read_text()
        for cut in range(1, len(full) - 1, 7):
            with self.subTest(cut=cut):
                self.refused(full[:cut], "application/json")
        self.assertIn("line 2", self.refused("1,2,3,4\n1,2,", "text/csv"))

    def test_a_damaged_first_csv_line_is_not_a_header(self):
        for first in ["sepal_length,sepal_width,petal_length,petal_width", "a,b,c,d"]:
            with self.subTest(first=first):
                self.assertIn("line 1", self.refused(f"{first}\n1,2,3,4\n", "text/csv"))

    def test_blank_lines_and_column_counts_are_refused_naming_the_line(self):
        self.assertIn("line 2 is empty", self.refused("1,2,3,4\n\n1,2,3,4\n", "text/csv"))
        self.assertIn("line 2 is empty", self.refused("[1,2,3,4]\n \n[1,2,3,4]\n", "application/jsonlines"))
        for row in ["1", "1,2,3", "1,2,3,4,5", "1,2,3,4,", ",1,2,3"]:
            with self.subTest(row=row):
                self.assertIn("line 2", self.refused(f"1,2,3,4\n{row}\n", "text/csv"))

    def test_a_record_without_a_finite_prediction_is_a_client_error(self):
        message = self.refused("5.1,3.5,1.4,0.2\n3.4e38,-3.4e38,3.4e38,-3.4e38\n", "text/csv")
        self.assertIn("line 2", message)

    def test_answers_are_strict_json(self):
        text, _ = self.answer("0,0,0,0\n1e30,1e30,1e30,1e30\n-1e-30,0,0,1\n")
        for prediction in strict_json(text)["predictions"]:
            self.assertTrue(all(math.isfinite(p) for p in prediction["probabilities"]))

    def test_the_largest_request_is_answered_quickly_in_every_format(self):
        """R4: the sample repeated to just under 6 MB; every answer fits TorchServe's response
        limit that the Dockerfile sets (TS_MAX_RESPONSE_SIZE, present in the image)."""
        sample = (FIXTURES / "request.csv").read_text()
        body = (sample * (SIX_MB // len(sample) + 1))[:SIX_MB - 1]
        body = body[: body.rindex("\n") + 1]
        records = body.count("\n")
        limit = int(os.environ.get("TS_MAX_RESPONSE_SIZE", "0"))
        for accept in ["application/json", "application/jsonlines", "text/csv"]:
            with self.subTest(accept=accept):
                started = time.time()
                text, _ = self.answer(body.encode(), "text/csv", accept)
                self.assertLess(time.time() - started, 30)
                if accept == "application/json":
                    count = len(strict_json(text)["predictions"])
                else:
                    count = text.count("\n")
                self.assertEqual(count, records)
                self.assertLess(len(text.encode()), limit, "raise TS_MAX_RESPONSE_SIZE in the Dockerfile")
        smallest = "0,0,0,0\n" * ((SIX_MB - 1) // 8)  # the most records 6 MB can hold
        text, _ = self.answer(smallest, "text/csv", "application/json")
        self.assertLess(len(text.encode()), limit, "raise TS_MAX_RESPONSE_SIZE in the Dockerfile")

    def test_the_request_limit_is_sagemakers(self):
        self.assertEqual(int(os.environ.get("TS_MAX_REQUEST_SIZE", "0")), SIX_MB)

    def test_a_missing_model_fails_loading(self):
        with self.assertRaises(FileNotFoundError):
            iris.model_fn(tempfile.gettempdir() + "/no-such-model")


class ThroughTheToolkit(unittest.TestCase):
    """The inference toolkit's Transformer, as TorchServe calls it, with this module as the user's."""

    @classmethod
    def setUpClass(cls):
        from sagemaker_inference.transformer import Transformer

        cls.model_dir = tempfile.mkdtemp(prefix="model-")
        Quiet()(
            iris.train,
            iris.parse_args(
                ["--epochs", "5", "--model-dir", cls.model_dir, "--train", str(FIXTURES / "train")]
            ),
        )
        iris.logger.disabled = True  # one line per refused request: noise in a test run
        with mock.patch.dict(os.environ, {"SAGEMAKER_PROGRAM": "iris.py"}):
            cls.transformer = Transformer()
            cls.transformer.validate_and_initialize(model_dir=cls.model_dir, context=None)

    @classmethod
    def tearDownClass(cls):
        iris.logger.disabled = False
        shutil.rmtree(cls.model_dir)

    def call(self, body: bytes, content_type="text/csv", accept="application/json"):
        context = mock.MagicMock()
        context.system_properties = {"model_dir": self.model_dir}
        headers = {"Content-Type": content_type, "Accept": accept}
        context.request_processor[0].get_request_properties.return_value = headers
        status = {}
        context.set_response_status.side_effect = lambda code, phrase: status.update(code=code)
        answer = self.transformer.transform([{"body": body}], context)
        return status.get("code", 200), answer[0]

    def test_a_valid_request_is_answered(self):
        status, answer = self.call(b"5.0,3.4,1.6,0.2\n")
        self.assertEqual(status, 200)
        self.assertEqual(strict_json(answer)["predictions"][0]["label"], "setosa")

    def test_non_utf8_csv_and_json_are_400_not_500(self):
        for content_type in ["text/csv", "application/json"]:
            with self.subTest(content_type=content_type):
                status, answer = self.call(b"1,2,3,4\n\xff\n", content_type)
                self.assertEqual(status, 400, answer)
                self.assertIn("line 2", answer)

    def test_error_answers_carry_no_traceback_or_path(self):
        for body, content_type, accept, code in [
            (b"nan,1,2,3\n", "text/csv", "application/json", 400),
            (b"1,2,3,4\n", "application/xml", "application/json", 415),
            (b"1,2,3,4\n", "text/csv", "image/png", 406),
        ]:
            with self.subTest(code=code):
                status, answer = self.call(body, content_type, accept)
                self.assertEqual(status, code)
                self.assertNotRegex(answer, r'Traceback|File "|\.py\b|/usr/')
                self.assertEqual(answer.count("\n"), 1, answer)

    def test_an_unexpected_error_is_a_500_without_details(self):
        def broken(data, model):
            raise RuntimeError("/secret/path.py broke")

        original, self.transformer._predict_fn = self.transformer._predict_fn, broken
        try:
            status, answer = self.call(b"1,2,3,4\n")
        finally:
            self.transformer._predict_fn = original
        self.assertEqual(status, 500)
        self.assertNotIn("/secret", answer)


if __name__ == "__main__":
    unittest.main()
