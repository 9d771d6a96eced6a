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
    def test_csv_blank_lines_are_skipped_and_lines_counted(self):
        request = codecs.decode_csv("1,2\n\n3,4\r\n")
        np.testing.assert_array_equal(request.instances, np.array([[1, 2], [3, 4]], dtype=np.float32))
        self.assertEqual(request.lines, [1, 3])
        self.assertEqual(request.record_name(1), "CSV line 3")

    def test_csv_errors(self):
        with self.assertRaisesRegex(HttpError, "CSV line 2 has 3 values, line 1 has 2"):
            codecs.decode_csv("1,2\n1,2,3\n")
        with self.assertRaisesRegex(HttpError, "CSV line 2, column 2: 'x' is not a plain decimal"):
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
        request = codecs.decode_json_lines('[1, 2]\n\n{"features": [3, 4]}\n')
        self.assertEqual(request.instances, [[1, 2], {"features": [3, 4]}])
        self.assertEqual(request.record_name(1), "line 3")


class OddHeadersTest(unittest.TestCase):
    """Headers a client gets wrong: 4xx or a sensible default, never an exception (R1)."""

    def test_content_types(self):
        self.assertEqual(codecs.request_type("text/csv;;;"), "text/csv")
        self.assertEqual(codecs.request_type("TEXT/CSV"), "text/csv")
        self.assertEqual(codecs.request_type("text/csv; charset="), "text/csv")
        self.assertEqual(codecs.request_type("application/json-lines"), "application/json-lines")
        for header in ("text/csv; charset=klingon", "text/csv; charset=utf-16", "application/octet-stream",
                       "multipart/form-data; boundary=x", "text/csv/extra", ";", "\u00e9/\u00e9"):
            with self.assertRaises(HttpError, msg=header) as caught:
                codecs.request_type(header)
            self.assertEqual(caught.exception.status, 415)

    def test_accept(self):
        self.assertEqual(codecs.response_type("*/*;q=abc"), "application/json")
        # q-values that are not numbers from 0 to 1 count as 1, so the first listed type wins
        self.assertEqual(codecs.response_type("text/csv;q=nan, application/json;q=inf"), "text/csv")
        self.assertEqual(codecs.response_type(";"), "application/json")
        for header in ("zzz/zzz", "text/csv;q=0", ", ".join(f"x/y{i};q=0.{i % 10}" for i in range(60))):
            with self.assertRaises(HttpError, msg=header) as caught:
                codecs.response_type(header)
            self.assertEqual(caught.exception.status, 406)


class StrictDecodeTest(unittest.TestCase):
    """Garbage in a body is a 400 that names the record, never a 500 (R1, R3)."""

    def assertBadRequest(self, body, media, pattern):
        with self.assertRaises(HttpError) as caught:
            codecs.decode(body if isinstance(body, bytes) else body.encode(), media)
        self.assertEqual(caught.exception.status, 400)
        self.assertRegex(caught.exception.message, pattern)

    def test_csv_every_line_is_a_record(self):
        # A damaged first line used to be taken for a header: 2 records in, 1 prediction out.
        for cell in ["nan", " nan", "inf", "Infinity", "1e39", "-3.5e38", "1" + "0" * 400, "١٢", "１２", "1_000",
                     "0x10", "", "wide", "true", '"5.1"', "5.1\x0b"]:
            with self.subTest(cell=cell):
                self.assertBadRequest(f"5.1,{cell},1.4\n6.7,3.0,5.2\n", "text/csv", r"^CSV line 1, column 2: ")
                self.assertBadRequest(f"5.1,3.5,1.4\n\n6.7,{cell},5.2\n", "text/csv", r"^CSV line 3, column 2: ")

    def test_csv_column_count_and_empty(self):
        self.assertBadRequest("1,2,3\n1,2\n", "text/csv", r"^CSV line 2 has 2 values, line 1 has 3")
        self.assertBadRequest("1,2,3\n1,2,3,4\n", "text/csv", r"^CSV line 2 has 4 values")
        for body in ["", "\n\n", "   ", "\r\n"]:
            self.assertBadRequest(body, "text/csv", "no records")

    def test_not_utf8_names_the_line(self):
        self.assertBadRequest(b"1,2\n1,\xff2\n", "text/csv", r"^CSV line 2: byte 0xff is not UTF-8")
        self.assertBadRequest(b"[1]\n[\xfe]\n", "application/jsonlines", r"^line 2: byte 0xfe is not UTF-8")
        self.assertBadRequest(b'{"instances": [[1\xff]]}', "application/json", "not UTF-8: byte 0xff at offset 17")

    def test_json_non_finite_and_huge_numbers(self):
        for token in ["NaN", "Infinity", "-Infinity"]:
            self.assertBadRequest(f'{{"instances": [[{token}, 1]]}}', "application/json", f"{token} is not JSON")
            self.assertBadRequest(f"[1]\n[{token}]\n", "application/jsonlines", f"^line 2: {token} is not JSON")
        self.assertBadRequest('{"instances": [[' + "9" * 5000 + "]]}", "application/json", "too many digits")

    def test_json_nested_thousands_deep(self):
        for depth in (1000, 3000, 10000):
            for body in ["[" * depth + "]" * depth, "[" * depth, '{"instances": ' + "[" * depth + "1" + "]" * depth + "}",
                         '{"a":' * depth + "1" + "}" * depth]:
                self.assertBadRequest(body, "application/json", "nested too deeply|not valid JSON")
            self.assertBadRequest("[" * depth + "\n", "application/jsonlines", "^line 1")

    def test_json_wrong_shapes(self):
        for body in ['"instances"', "42", "null", "true", "{}", '{"instances": 5}', '{"instances": null}',
                     '{"instances": [[1]], "inputs": [[1]]}', '{"instances": [[1]], "signature_name": 5}', ""]:
            self.assertBadRequest(body, "application/json", ".")

    def test_json_lines_one_record_per_line(self):
        self.assertBadRequest("[1, 2] [3, 4]\n", "application/jsonlines", "^line 1 holds more than one JSON value")
        self.assertBadRequest("[1, 2]\n[3,\n4]\n", "application/jsonlines", "^line 2 is not valid JSON")
        self.assertBadRequest('{"instances": [[1, 2], [3, 4]]}\n', "application/jsonlines", "^line 1: a JSON Lines line is one")
        self.assertBadRequest("\n \n", "application/jsonlines", "no records")


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
