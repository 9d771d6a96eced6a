"""Trains on the fixtures in a temporary /opt/ml tree, then drives the WSGI app in-process.
Needs TensorFlow: run inside the image (README, Develop)."""

import importlib
import json
import os
import signal
import sys
import unittest

from helpers import FIXTURES, call, opt_ml

try:
    import tensorflow  # noqa: F401
except ImportError:  # pragma: no cover - on a machine without TensorFlow
    tensorflow = None


@unittest.skipIf(tensorflow is None, "TensorFlow is not installed; run the tests inside the image")
class TrainThenServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tree = opt_ml({"epochs": "5", "learning_rate": '"0.05"'})
        cls.root = cls.tree.__enter__()
        from algorithm import training

        cls.exit_code = training.main()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if "server" in sys.modules:
            cls.server = importlib.reload(sys.modules["server"])  # loads /opt/ml/model of this tree
        else:
            import server  # loads /opt/ml/model of this tree at import, as a gunicorn worker does

            cls.server = server

    @classmethod
    def tearDownClass(cls):
        cls.tree.__exit__(None, None, None)

    def test_training_wrote_a_versioned_saved_model(self):
        self.assertEqual(self.exit_code, 0)
        self.assertTrue((self.root / "model" / "1" / "saved_model.pb").is_file())
        metadata = json.loads((self.root / "model" / "metadata.json").read_text())
        self.assertEqual(metadata["classes"], ["setosa", "versicolor", "virginica"])
        self.assertFalse((self.root / "output" / "failure").exists())

    def test_ping(self):
        status, _, body = call(self.server.app, "GET", "/ping")
        self.assertEqual((status, json.loads(body)), (200, {"status": "healthy"}))

    def test_json_rows_in_tf_serving_format(self):
        status, headers, body = call(
            self.server.app, "POST", "/invocations", (FIXTURES / "request.json").read_bytes(),
            {"Content-Type": "application/json", "X-Amzn-SageMaker-Custom-Attributes": "a=b"},
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/json")
        predictions = json.loads(body)["predictions"]
        self.assertEqual(len(predictions), 6)
        self.assertEqual(set(predictions[0]), {"label", "probabilities"})
        self.assertAlmostEqual(sum(predictions[0]["probabilities"]), 1.0, places=4)

    def test_csv_in_csv_out(self):
        status, headers, body = call(
            self.server.app, "POST", "/invocations", (FIXTURES / "request.csv").read_bytes(),
            {"Content-Type": "text/csv", "Accept": "text/csv"},
        )
        self.assertEqual((status, headers["Content-Type"]), (200, "text/csv"))
        self.assertEqual(len(body.decode().splitlines()), 6)

    def test_client_errors(self):
        cases = [
            ({"Content-Type": "image/png"}, b"x", 415),
            ({"Content-Type": "text/csv", "Accept": "image/png"}, b"1,2,3,4", 406),
            ({"Content-Type": "text/csv"}, b"1,2,3", 400),
            ({"Content-Type": "application/json"}, b'{"instances": [[1, 2', 400),
        ]
        for headers, body, expected in cases:
            status, _, answer = call(self.server.app, "POST", "/invocations", body, headers)
            self.assertEqual(status, expected, answer)
            self.assertIn("message", json.loads(answer))

    def test_payload_limit(self):
        body = b"1,2,3,4\n" * (self.server.LIMIT // 8 + 1)
        status, _, _ = call(self.server.app, "POST", "/invocations", body, {"Content-Type": "text/csv"})
        self.assertEqual(status, 413)

    def test_execution_parameters(self):
        status, _, body = call(self.server.app, "GET", "/execution-parameters")
        params = json.loads(body)
        self.assertEqual((status, params["BatchStrategy"], params["MaxPayloadInMB"]), (200, "MultiRecord", 6))
        self.assertLessEqual(params["MaxConcurrentTransforms"] * params["MaxPayloadInMB"], 100)

    def test_ping_is_honest_without_a_model(self):
        state = dict(self.server.STATE)
        try:
            with opt_ml():
                self.server.load()
                status, _, body = call(self.server.app, "GET", "/ping")
                self.assertEqual(status, 503)
                self.assertIn("no SavedModel", json.loads(body)["message"])
        finally:
            self.server.STATE.update(state)


class FailureTest(unittest.TestCase):
    def test_bad_hyperparameter_writes_the_failure_file(self):
        from algorithm import training

        with opt_ml({"learning_rate": "-1"}) as root:
            self.assertEqual(training.main(), 1)
            first_line = (root / "output" / "failure").read_text().splitlines()[0]
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        self.assertIn('"learning_rate" must be > 0', first_line)

    def test_missing_train_channel(self):
        from algorithm import training

        with opt_ml(channels=("validation",)) as root:
            self.assertEqual(training.main(), 1)
            self.assertIn('"train" channel is missing', (root / "output" / "failure").read_text())
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def test_identity_comes_from_resourceconfig(self):
        from algorithm import sagemaker

        with opt_ml(resource={"current_host": "algo-2", "hosts": ["algo-2", "algo-1"]}):
            me = sagemaker.identity()
        self.assertEqual((me.current_host, me.leader), ("algo-2", False))
        self.assertNotEqual(me.current_host, os.uname().nodename)


if __name__ == "__main__":
    unittest.main()
