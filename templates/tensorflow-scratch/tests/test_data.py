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

    def write(self, text):
        folder = Path(tempfile.mkdtemp())
        (folder / "part.csv").write_text(text)
        return folder

    def test_bad_cell_names_file_line_column(self):
        with self.assertRaisesRegex(UserError, r"part.csv, line 2, column 3: 'x' is not a finite number"):
            read_channel(self.write("0,1,2\n1,2,x\n"), "train")

    def test_ragged_rows(self):
        with self.assertRaisesRegex(UserError, "line 2: 2 columns, expected 3"):
            read_channel(self.write("0,1,2\n1,2\n"), "train")

    def test_no_csv(self):
        with self.assertRaisesRegex(UserError, "holds no \\*.csv file"):
            read_channel(Path(tempfile.mkdtemp()), "train")

    def test_numeric_labels_sort_as_numbers(self):
        self.assertEqual(class_names(["10", "9", "1"]), ["1", "9", "10"])

    def test_unknown_validation_label(self):
        with self.assertRaisesRegex(UserError, "labels the train channel does not"):
            encode_labels(["a", "z"], ["a", "b"], "validation")


if __name__ == "__main__":
    unittest.main()
