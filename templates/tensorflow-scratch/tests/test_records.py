"""Request records -> arrays: numbers only, in range, each refusal naming the record (R2, R3)."""

import unittest

import numpy as np

from algorithm import codecs
from algorithm.records import RecordError, check_finite_outputs, to_array


class ToArrayTest(unittest.TestCase):
    def assertRefused(self, values, record, pattern, dtype=np.float32):
        with self.assertRaises(RecordError) as caught:
            to_array(values, dtype, "features")
        self.assertEqual(caught.exception.record, record)
        self.assertRegex(caught.exception.message, pattern)

    def test_numbers(self):
        array = to_array([[1, 2.5], [3, -4e-3]], np.float32, "features")
        self.assertEqual((array.dtype, array.shape), (np.float32, (2, 2)))

    def test_values_numpy_would_quietly_convert(self):
        # np.asarray(["5.1", True, "١٢"], dtype=np.float32) gives [5.1, 1.0, 12.0]: not here.
        for bad, pattern in [('"5.1"', "the string '5.1' where a number belongs; send numbers unquoted"),
                             ("true", "holds true where a number belongs"), ("null", "holds null"),
                             ("{}", "holds an object"), ('"١٢"', "the string '١٢'"), ('"1_000"', "string")]:
            values = [[1, 2], [3, 4], [5, __import__("json").loads(bad)]]
            self.assertRefused(values, 2, pattern)

    def test_out_of_float32_range(self):
        for bad in [1e39, -3.5e38, float("inf"), float("-inf"), float("nan"), 10**39]:
            self.assertRefused([[1, 2], [bad, 4]], 1, "out of range for float32")
        self.assertRefused([[1, 2], [10**400, 4]], 1, "integer of 401 digits")

    def test_shapes(self):
        self.assertRefused([[1, 2], [3]], 1, "has 1 value where the first instance has 2 values")
        self.assertRefused([[1, 2], [3, [4]]], 1, "ragged")
        deep = 1.0
        for _ in range(100):
            deep = [deep]
        self.assertRefused([[1], deep], 1, "nested deeper than 32 levels")
        self.assertRefused([], None, "no instances")
        self.assertRefused(None, None, "must be a list")

    def test_integer_inputs(self):
        self.assertEqual(to_array([[1, 2]], np.int32, "ids").dtype, np.int32)
        self.assertRefused([[1, 2], [1.5, 2]], 1, "where an integer belongs", np.int32)
        self.assertRefused([[1, 2], [2**40, 2]], 1, "out of range for int32", np.int32)

    def test_names_the_record_the_way_the_client_sent_it(self):
        csv = codecs.decode_csv("1,2\n\n3,4\n")
        jsonl = codecs.decode_json_lines("[1, 2]\n\n[3, 4]\n")
        rows = codecs.decode_json('{"instances": [[1, 2], [3, 4]]}')
        columnar = codecs.decode_json('{"inputs": [[1, 2], [3, 4]]}')
        error = RecordError("holds true where a number belongs", 1)
        self.assertEqual(csv.describe(error), "CSV line 3 holds true where a number belongs")
        self.assertEqual(jsonl.describe(error), "line 3 holds true where a number belongs")
        self.assertEqual(rows.describe(error), "instance 2 holds true where a number belongs")
        self.assertEqual(columnar.describe(error), '"inputs" entry 2 holds true where a number belongs')


class FiniteOutputsTest(unittest.TestCase):
    def test_nan_prediction_is_the_clients_problem(self):
        outputs = {"probabilities": np.array([[0.5, 0.5], [np.nan, np.nan]], dtype=np.float32),
                   "label": np.array(["a", "b"], dtype=object)}
        with self.assertRaises(RecordError) as caught:
            check_finite_outputs(outputs)
        self.assertEqual(caught.exception.record, 1)
        self.assertIn('non-finite "probabilities"', caught.exception.message)
        check_finite_outputs({"probabilities": np.array([[0.5, 0.5]], dtype=np.float32)})


if __name__ == "__main__":
    unittest.main()
