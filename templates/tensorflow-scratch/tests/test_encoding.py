"""Response bodies: strict JSON, shortest float32 digits, one record out per record in (R2, R3, R4)."""

import json
import time
import unittest

import numpy as np

from algorithm import codecs
from algorithm.encoding import shortest_float32


def strict_json(text):
    return json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))


class ShortestFloat32Test(unittest.TestCase):
    def test_same_digits_as_numpy(self):
        rng = np.random.default_rng(3)
        values = np.concatenate([
            rng.random(20_000), rng.standard_normal(20_000) * 10.0 ** rng.integers(-44, 38, 20_000),
            [0.0, -0.0, 1e-45, 3.4028235e38, 0.97, 2.4851303e-09, 1e-14, 1e22, 123456789.0],
        ]).astype(np.float32)
        for value, text in zip(values.tolist(), shortest_float32(values).tolist()):
            self.assertEqual(np.float32(text), np.float32(value))  # reads back as the same float32
            self.assertEqual(float(text), float(str(np.float32(value))), value)  # with numpy's shortest digits

    def test_fast_on_a_million_values(self):
        values = np.random.default_rng(4).random(1_000_000).astype(np.float32)
        started = time.monotonic()
        shortest_float32(values)
        self.assertLess(time.monotonic() - started, 10)  # about 0.5 s; numpy's astype(str) path took seconds


class RecordCountTest(unittest.TestCase):
    """N records in, N records out, in order, for every Accept."""

    outputs = {
        "probabilities": np.array([[0.97, 0.03], [0.1, 0.9], [0.5, 0.5]], dtype=np.float32),
        "label": np.array(["a", 'b,"c', "a"], dtype=object),
    }

    def test_every_accept(self):
        request = codecs.Request(instances=[[0], [1], [2]])
        body = codecs.encode(self.outputs, request, "application/json").decode()
        self.assertEqual([p["label"] for p in strict_json(body)["predictions"]], ["a", 'b,"c', "a"])
        lines = codecs.encode(self.outputs, request, "application/jsonlines").decode().splitlines()
        self.assertEqual([strict_json(line)["probabilities"] for line in lines], [[0.97, 0.03], [0.1, 0.9], [0.5, 0.5]])
        csv = codecs.encode(self.outputs, request, "text/csv").decode()
        self.assertEqual(csv, 'a,0.97,0.03\n"b,""c",0.1,0.9\na,0.5,0.5\n')

    def test_single_output_and_tiny_values(self):
        outputs = {"y": np.array([1e-30, 2.5, 1e30], dtype=np.float32)}
        body = codecs.encode(outputs, codecs.Request(instances=[1, 2, 3]), "application/json")
        self.assertEqual(body, b'{"predictions": [1e-30, 2.5, 1e+30]}')
        self.assertEqual(codecs.encode(outputs, codecs.Request(instances=[1, 2, 3]), "text/csv"), b"1e-30\n2.5\n1e+30\n")

    def test_nan_never_reaches_a_2xx_body(self):
        with self.assertRaises(ValueError):  # the last guard: json.dumps(allow_nan=False)
            codecs.encode({"y": np.array([np.nan], dtype=np.float32)}, codecs.Request(instances=[1]), "application/json")


if __name__ == "__main__":
    unittest.main()
