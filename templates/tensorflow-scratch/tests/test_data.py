import tempfile
import unittest
from pathlib import Path

from algorithm.data import class_names, encode_labels, read_channel
from algorithm.sagemaker import UserError

from helpers import FIXTURES


class ReadChannelTest(unittest.TestCase):
    def test_fixtures(self):
        train = read_channel(FIXTURES / "train", "train")
        self.assertEqual(train.features.shape, (300, 4))
        self.assertEqual(train.feature_names[0], "sepal_length")
        validation = read_channel(FIXTURES / "validation", "validation")
        self.assertEqual(validation.feature_names, [])
        self.assertEqual(class_names(train.labels), ["setosa", "versicolor", "virginica"])

    def write(self, text, name="part.csv"):
        folder = Path(tempfile.mkdtemp())
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return folder

    def assertFails(self, text, pattern, name="part.csv"):
        with self.assertRaises(UserError) as caught:
            read_channel(self.write(text, name), "train")
        # The cause comes first: the failure file's first line names the file and line (R6, R7).
        self.assertRegex(str(caught.exception).splitlines()[0], pattern)

    def test_values_that_are_not_finite_in_float32(self):
        head = "label,a,b\na,1,2\nb,3,4\n"
        for value in ["nan", "NaN", "inf", "-Infinity", "1e39", "-3.5e38", "1e400", "1" + "0" * 400,
                      "1_000", "0x10", "١٢", "１２", "", "wide"]:
            with self.subTest(value=value):
                self.assertFails(head + f"a,5,{value}\n", r"^part\.csv line 4, column 3 \(b\): ")

    def test_bytes_that_are_not_utf8_never_become_a_class(self):
        self.assertFails(b"a,1,2\nset\xffosa,3,4\n", r"^part\.csv line 2: byte 0xff at position 4 is not UTF-8")
        self.assertFails(b"a,1,2\nb,3,4.\xfe5\n", r"^part\.csv line 2: byte 0xfe")

    def test_damaged_first_line_is_data_not_a_header(self):
        # A header names every feature; "nan" is a damaged value, so line 1 fails as data (R6).
        self.assertFails("setosa,nan,2.7\nb,3,4\n", r"^part\.csv line 1, column 2: 'nan'")
        self.assertFails("setosa,x,2.7\nb,3,4\n", r"^part\.csv line 1, column 2: 'x'")
        table = read_channel(self.write("species,petal length,b\na,1,2\nb,3,4\n"), "train")
        self.assertEqual((table.feature_names, table.labels), (["petal length", "b"], ["a", "b"]))

    def test_empty_and_header_only_files_are_named(self):
        self.assertFails("", r"^part\.csv is empty", "part.csv")
        self.assertFails("\n \n", r"^part\.csv is empty")
        self.assertFails("label,a,b\n", r"^part\.csv holds only a header")
        self.assertFails("label,a,b\n", r"^sub/day1\.csv holds only a header", "sub/day1.csv")

    def test_csv_syntax_and_labels(self):
        self.assertFails("a,1,2\nb,3\x004\n", r"^part\.csv line 2: ")  # a NUL byte
        self.assertFails('a,1,2\n"b,3,4\n', r"^part\.csv line 2: unexpected end of data")  # unterminated quote
        self.assertFails("a,1,2\n,3,4\n", r"^part\.csv line 2: the label \(column 1\) is empty")
        self.assertFails("a,1,2\nb\n", r"^part\.csv line 2: expected a label and at least one feature")
        self.assertFails("a,1,2\nb,3,4,5\n", r"^part\.csv line 2: 4 columns, expected 3")

    def test_line_numbers_are_physical(self):
        self.assertFails("label,a\n\na,1\n\nb,nan\n", r"^part\.csv line 5, column 2 \(a\)")

    def test_byte_order_mark_and_crlf(self):
        table = read_channel(self.write(b"\xef\xbb\xbflabel,a\r\nx,1\r\ny,2\r\n"), "train")
        self.assertEqual((table.labels, table.features.tolist()), (["x", "y"], [[1.0], [2.0]]))

    def test_numeric_labels_written_two_ways(self):
        table = read_channel(self.write("1,5\n1.0,6\n2,7\n"), "train")
        with self.assertRaisesRegex(UserError, r"^part\.csv line 2: label '1\.0' is the number of label '1'"):
            class_names(table.labels, table.first_seen)

    def test_bad_cell_names_file_line_column(self):
        with self.assertRaisesRegex(UserError, r"^part.csv line 2, column 3: 'x' is not a plain decimal number"):
            read_channel(self.write("0,1,2\n1,2,x\n"), "train")

    def test_ragged_rows(self):
        with self.assertRaisesRegex(UserError, "^part.csv line 2: 2 columns, expected 3"):
            read_channel(self.write("0,1,2\n1,2\n"), "train")

    def test_no_csv(self):
        with self.assertRaisesRegex(UserError, "holds no \\*.csv file"):
            read_channel(Path(tempfile.mkdtemp()), "train")

    def test_numeric_labels_sort_as_numbers(self):
        self.assertEqual(class_names(["10", "9", "1"]), ["1", "9", "10"])

    def test_unknown_validation_label(self):
        with self.assertRaisesRegex(UserError, "^v.csv line 2: label 'z' does not occur in the train channel"):
            encode_labels(["a", "z"], ["a", "b"], "validation", {"a": "v.csv line 1", "z": "v.csv line 2"})


if __name__ == "__main__":
    unittest.main()
