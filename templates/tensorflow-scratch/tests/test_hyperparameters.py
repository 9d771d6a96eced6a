import json
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

    def test_nan_passes_no_range_check(self):
        # NaN compares false with everything, so "minimum"/"maximum" alone accept it (R5).
        for raw in ("nan", "NaN", '"nan"', '"NaN"', float("nan"), "Infinity", "-Infinity", "inf", "-inf", "1e400"):
            for name in ("learning_rate", "dropout"):
                with self.assertRaisesRegex(UserError, f'^Hyperparameter "{name}" must be a (finite )?number', msg=raw):
                    decode({name: raw}, self.schema)

    def test_only_plain_ascii_decimals_are_numbers(self):
        for raw in ("1_000", "0x10", "\u0661", "\uff11", "1e", " nan", "0.1.2"):
            with self.assertRaisesRegex(UserError, '^Hyperparameter "learning_rate" must be a number', msg=raw):
                decode({"learning_rate": raw}, self.schema)
            with self.assertRaisesRegex(UserError, '^Hyperparameter "epochs" must be an integer', msg=raw):
                decode({"epochs": raw}, self.schema)

    def test_huge_integers(self):
        for raw in ("1e23", "100000000000000000000000", "9007199254740993", "9" * 400, "1e400"):
            with self.assertRaisesRegex(UserError, '^Hyperparameter "batch_size" must be', msg=raw):
                decode({"batch_size": raw}, self.schema)
        schema = json.loads(json.dumps(self.schema))
        del schema["properties"]["epochs"]["maximum"]  # a schema without a bound still stops at 2^53
        with self.assertRaisesRegex(UserError, r'"epochs" must be at most 2\^53'):
            decode({"epochs": "1e23"}, schema)
        self.assertEqual(decode({"epochs": str(2**40)}, schema)["epochs"], 2**40)

    def test_a_long_value_does_not_hide_the_name(self):
        with self.assertRaises(UserError) as caught:
            decode({"seed": "9" * 5000}, self.schema)
        message = str(caught.exception)
        self.assertTrue(message.startswith('Hyperparameter "seed"'), message[:80])
        self.assertLess(len(message), 300)

    def test_every_numeric_property_is_bounded(self):
        """The conformance suite derives garbage from these bounds: each number needs both."""
        for name, spec in self.schema["properties"].items():
            if spec.get("type") in ("integer", "number"):
                self.assertTrue({"minimum", "exclusiveMinimum"} & set(spec), name)
                self.assertTrue({"maximum", "exclusiveMaximum"} & set(spec), name)
                self.assertLessEqual(spec.get("maximum", spec.get("exclusiveMaximum")), 2**53, name)

    def test_garbage_derived_from_the_schema_names_the_property(self):
        """What the conformance suite sends (R5): wrong type, below minimum, above maximum, NaN,
        ±Infinity, huge; each must fail, naming the property in the first 1024 characters."""
        for name, spec in self.schema["properties"].items():
            for raw in _garbage(spec):
                with self.assertRaises(UserError, msg=f"{name}={raw!r}") as caught:
                    decode({name: raw}, self.schema)
                self.assertIn(f'"{name}"', str(caught.exception)[:1024])

    def test_unknown_key_is_a_typo(self):
        with self.assertRaisesRegex(UserError, r'Unknown hyperparameter "epoch"'):
            decode({"epoch": "3"}, self.schema)


def _garbage(spec: dict) -> list:
    values = ["abc", "true", "[1]", "{}", "null", "", "nan", "NaN", '"NaN"', "Infinity", "-Infinity", "inf",
              "-inf", "1e309", "-1e309", "9" * 400, str(2**53 + 1)]
    if spec["type"] == "integer":
        values += ["1.5", str(spec["minimum"] - 1), str(spec["maximum"] + 1)]
    else:
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        high = spec.get("maximum", spec.get("exclusiveMaximum"))
        values += [str(low - 1), str(high + 1)]
        values += [str(spec["exclusiveMinimum"])] if "exclusiveMinimum" in spec else []
        values += [str(spec["exclusiveMaximum"])] if "exclusiveMaximum" in spec else []
    return values


if __name__ == "__main__":
    unittest.main()
