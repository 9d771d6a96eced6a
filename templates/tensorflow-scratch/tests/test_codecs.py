import unittest

import numpy as np

from algorithm import codecs
from algorithm.codecs import HttpError


class NegotiationTest(unittest.TestCase):
    def test_request_types(self):
        self.assertEqual(codecs.request_type("text/csv; charset=UTF-8"), "text/csv")
        self.assertEqual(codecs.request_type(None), "application/json")
        self.assertEqual(codecs.request_type("application/jsonlines"), "application/jsonlines")
        with self.assertRaises(HttpError) as caught:
            codecs.request_type("image/png")
        self.assertEqual(caught.exception.status, 415)
        with self.assertRaises(HttpError):
            codecs.request_type("text/csv; charset=latin-1")

    def test_accept_q_values_and_wildcards(self):
        self.assertEqual(codecs.response_type("application/json;q=0.5, text/csv"), "text/csv")
        self.assertEqual(codecs.response_type("*/*"), "application/json")
        self.assertEqual(codecs.response_type("*/*", "text/csv"), "text/csv")
        self.assertEqual(codecs.response_type("text/*"), "text/csv")
        self.assertEqual(codecs.response_type(""), "application/json")
        with self.assertRaises(HttpError) as caught:
            codecs.response_type("image/png")
        self.assertEqual(caught.exception.status, 406)


class DecodeTest(unittest.TestCase):
    def test_csv_with_header_and_blank_lines(self):
        rows = codecs.decode_csv("a,b\n1,2\n\n3,4\n")
        np.testing.assert_array_equal(rows, np.array([[1, 2], [3, 4]], dtype=np.float32))

    def test_csv_errors(self):
        with self.assertRaisesRegex(HttpError, "row 2 has 3 values"):
            codecs.decode_csv("1,2\n1,2,3\n")
        with self.assertRaisesRegex(HttpError, "row 2, column 2: 'x'"):
            codecs.decode_csv("1,2\n1,x\n")

    def test_json_formats(self):
        self.assertEqual(codecs.decode_json('{"instances": [[1, 2]]}').instances, [[1, 2]])
        self.assertEqual(codecs.decode_json("[[1, 2]]").instances, [[1, 2]])
        request = codecs.decode_json('{"inputs": {"features": [[1, 2]]}, "signature_name": "s"}')
        self.assertTrue(request.columnar)
        self.assertEqual(request.signature_name, "s")
        with self.assertRaises(HttpError):
            codecs.decode_json('{"rows": []}')
        with self.assertRaises(HttpError):
            codecs.decode_json('{"instances": [[1, 2]')

    def test_json_lines(self):
        self.assertEqual(codecs.decode_json_lines('[1, 2]\n\n{"instances": [[3, 4]]}\n'), [[1, 2], [3, 4]])


class EncodeTest(unittest.TestCase):
    outputs = {
        "probabilities": np.array([[0.97, 0.03], [0.1, 0.9]], dtype=np.float32),
        "label": np.array(["a", "b,c"], dtype=object),
    }

    def test_tf_serving_row_format(self):
        body = codecs.encode(self.outputs, codecs.Request(instances=[[0], [1]]), "application/json")
        self.assertEqual(
            body,
            b'{"predictions": [{"label": "a", "probabilities": [0.97, 0.03]}, '
            b'{"label": "b,c", "probabilities": [0.1, 0.9]}]}',
        )

    def test_single_output_is_bare(self):
        body = codecs.encode({"y": np.array([1.5, 2.5], dtype=np.float32)}, codecs.Request(instances=[1, 2]), "application/json")
        self.assertEqual(body, b'{"predictions": [1.5, 2.5]}')

    def test_columnar(self):
        body = codecs.encode(self.outputs, codecs.Request(inputs=[[0], [1]]), "application/json")
        self.assertTrue(body.startswith(b'{"outputs": {"label": ["a", "b,c"]'))

    def test_csv_and_json_lines(self):
        request = codecs.Request(instances=[[0], [1]])
        self.assertEqual(codecs.encode(self.outputs, request, "text/csv"), b'a,0.97,0.03\n"b,c",0.1,0.9\n')
        lines = codecs.encode(self.outputs, request, "application/jsonlines").decode().splitlines()
        self.assertEqual(len(lines), 2)


if __name__ == "__main__":
    unittest.main()
