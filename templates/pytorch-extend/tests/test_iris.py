"""Unit tests of code/iris.py; they need PyTorch, so they run inside the built image (README: Develop).

Training is called in-process on the fixtures; the four serving functions are called the way the
inference toolkit calls them, without TorchServe."""

import json
import os
import shutil
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import iris

FIXTURES = Path(os.environ.get("FIXTURES", Path(__file__).resolve().parent.parent / "fixtures"))


def error_status(call) -> int:
    try:
        call()
    except iris.BaseInferenceToolkitError as error:
        return error.status_code
    raise AssertionError("expected an error")


class Hyperparameters(unittest.TestCase):
    def test_defaults_need_no_hyperparameters(self):
        args = iris.parse_args([])
        self.assertEqual((args.epochs, args.batch_size), (30, 16))

    def test_strings_become_typed_values(self):
        args = iris.parse_args(["--epochs", "3", "--learning_rate", "0.2"])
        self.assertEqual((args.epochs, args.learning_rate), (3, 0.2))

    def test_out_of_range_values_exit_2_naming_the_hyperparameter(self):
        stderr = StringIO()
        with redirect_stderr(stderr), self.assertRaises(SystemExit) as stop:
            iris.parse_args(["--learning_rate", "-1"])
        self.assertEqual(stop.exception.code, 2)
        self.assertIn("learning_rate=-1.0 is out of range", stderr.getvalue())

    def test_sm_variables_give_the_folders(self):
        os.environ["SM_MODEL_DIR"] = "/tmp/m"
        try:
            self.assertEqual(iris.parse_args([]).model_dir, "/tmp/m")
        finally:
            del os.environ["SM_MODEL_DIR"]


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

    def test_logs_regex_friendly_metrics_every_epoch(self):
        lines = [line for line in self.log.splitlines() if line.startswith("epoch=")]
        self.assertEqual(len(lines), 40)
        self.assertRegex(lines[-1], r"validation_accuracy=0\.9\d+|validation_accuracy=1\.0+")

    def test_reports_the_device_it_chose(self):
        self.assertIn("device=cpu", self.log)

    def test_json_in_json_out(self):
        body = (FIXTURES / "request.json").read_text()
        data = iris.input_fn(body, "application/json")
        text, kind = iris.output_fn(iris.predict_fn(data, self.model), "application/json")
        predictions = json.loads(text)["predictions"]
        self.assertEqual(kind, "application/json")
        self.assertEqual(len(predictions), 6)
        self.assertEqual(predictions[2]["label"], "setosa")
        self.assertAlmostEqual(sum(predictions[0]["probabilities"]), 1.0, places=4)

    def test_csv_in_csv_and_jsonlines_out(self):
        data = iris.input_fn("5.0,3.4,1.6,0.2\n7.2,2.9,6.1,2.1\n", "text/csv")
        predictions = iris.predict_fn(data, self.model)
        self.assertEqual(iris.output_fn(predictions, "text/csv"), ("setosa\nvirginica\n", "text/csv"))
        lines, _ = iris.output_fn(predictions, "application/jsonlines")
        self.assertEqual([json.loads(l)["label"] for l in lines.splitlines()], ["setosa", "virginica"])

    def test_bad_input_is_a_client_error(self):
        self.assertEqual(error_status(lambda: iris.input_fn("{", "application/json")), 400)
        self.assertEqual(error_status(lambda: iris.input_fn("1,2,3\n", "text/csv")), 400)
        self.assertEqual(error_status(lambda: iris.input_fn('[[1, "x", 3, 4]]', "application/json")), 400)
        self.assertEqual(error_status(lambda: iris.input_fn("<a/>", "application/xml")), 415)
        self.assertEqual(error_status(lambda: iris.output_fn([], "image/png")), 406)

    def test_a_missing_model_fails_loading(self):
        with self.assertRaises(FileNotFoundError):
            iris.model_fn(tempfile.gettempdir() + "/no-such-model")


if __name__ == "__main__":
    unittest.main()
