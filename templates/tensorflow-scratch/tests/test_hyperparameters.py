import unittest

from algorithm.hyperparameters import decode, load_schema
from algorithm.sagemaker import UserError


class DecodeTest(unittest.TestCase):
    schema = load_schema()

    def test_empty_means_defaults(self):
        values = decode({}, self.schema)
        self.assertEqual(values["epochs"], 30)
        self.assertEqual(values["learning_rate"], 0.01)

    def test_plain_and_json_encoded_strings(self):
        for raw in ("0.1", '"0.1"', 0.1):
            self.assertEqual(decode({"learning_rate": raw}, self.schema)["learning_rate"], 0.1)
        self.assertEqual(decode({"epochs": '"5"'}, self.schema)["epochs"], 5)
        self.assertEqual(decode({"epochs": "5.0"}, self.schema)["epochs"], 5)

    def test_sagemaker_and_underscore_keys_are_ignored(self):
        values = decode({"sagemaker_program": '"train.py"', "_tuning_objective_metric": "x"}, self.schema)
        self.assertNotIn("sagemaker_program", values)

    def test_out_of_range_names_field_value_and_fix(self):
        with self.assertRaises(UserError) as caught:
            decode({"learning_rate": "-1"}, self.schema)
        self.assertEqual(
            str(caught.exception),
            'Hyperparameter "learning_rate" must be > 0, got "-1". Fix the value in HyperParameters.',
        )

    def test_wrong_type(self):
        with self.assertRaisesRegex(UserError, r'"epochs" must be an integer, got "1.5"'):
            decode({"epochs": "1.5"}, self.schema)
        with self.assertRaisesRegex(UserError, r'"epochs" must be an integer, got "many"'):
            decode({"epochs": "many"}, self.schema)

    def test_unknown_key_is_a_typo(self):
        with self.assertRaisesRegex(UserError, r'Unknown hyperparameter "epoch"'):
            decode({"epoch": "3"}, self.schema)


if __name__ == "__main__":
    unittest.main()
