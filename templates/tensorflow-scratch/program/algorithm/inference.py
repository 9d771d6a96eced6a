"""Loading the SavedModel and running its signature, with TensorFlow Serving's REST semantics.

Nothing here knows this template's model: any SavedModel with a `serving_default` signature works,
so the answers match what TensorFlow Serving would give for the same model and request.
"""

import time
from pathlib import Path

import numpy as np
import tensorflow as tf


class RequestError(Exception):
    """The request does not fit the model (400)."""


class LoadError(Exception):
    pass


def find_saved_model(model_dir: Path) -> Path:
    """The highest numbered version folder (as TensorFlow Serving picks), or model_dir itself."""
    if (model_dir / "saved_model.pb").is_file():
        return model_dir
    versions = [
        p for p in model_dir.iterdir() if p.is_dir() and p.name.isdigit() and (p / "saved_model.pb").is_file()
    ] if model_dir.is_dir() else []
    if not versions:
        raise LoadError(
            f"no SavedModel in {model_dir}: expected {model_dir}/<version>/saved_model.pb "
            "(what `train` writes) or saved_model.pb directly. Check the model artifact (model.tar.gz)."
        )
    return max(versions, key=lambda p: int(p.name))


class Model:
    def __init__(self, path: Path):
        started = time.monotonic()
        self.path = path
        self.loaded = tf.saved_model.load(str(path))
        self.signatures = dict(self.loaded.signatures)
        if not self.signatures:
            raise LoadError(f"the SavedModel in {path} has no signatures; export one named serving_default.")
        self.default_signature = "serving_default" if "serving_default" in self.signatures else sorted(self.signatures)[0]
        self.load_seconds = time.monotonic() - started
        # Trace once now, so the first request does not pay for it.
        self._warm_up()

    def inputs(self, signature: str) -> dict:
        return self.signatures[signature].structured_input_signature[1]

    def outputs(self, signature: str) -> list:
        return sorted(self.signatures[signature].structured_outputs)

    def single_input(self, signature: str):
        inputs = self.inputs(signature)
        return next(iter(inputs.items())) if len(inputs) == 1 else (None, None)

    def _warm_up(self):
        name, spec = self.single_input(self.default_signature)
        if spec is None or spec.dtype != tf.float32 or spec.shape.rank != 2 or spec.shape[1] is None:
            return
        self.run({name: np.zeros((1, spec.shape[1]), dtype=np.float32)}, self.default_signature)

    def signature(self, name) -> str:
        if name is None:
            return self.default_signature
        if name not in self.signatures:
            raise RequestError(f'no signature "{name}" in the model; it has {sorted(self.signatures)}')
        return name

    def run(self, tensors: dict, signature: str) -> dict:
        """Runs the signature on named arrays; returns named numpy arrays (strings decoded)."""
        function = self.signatures[signature]
        specs = self.inputs(signature)
        missing = sorted(set(specs) - set(tensors))
        unknown = sorted(set(tensors) - set(specs))
        if missing or unknown:
            raise RequestError(f"the model's inputs are {sorted(specs)}; missing {missing}, unknown {unknown}")
        feed = {}
        for name, spec in specs.items():
            feed[name] = _to_tensor(tensors[name], spec, name)
        try:
            result = function(**feed)
        except (tf.errors.InvalidArgumentError, ValueError, TypeError) as error:
            raise RequestError(f"the model rejected the input: {_first_line(error)}") from None
        return {key: _to_python_ready(value.numpy()) for key, value in result.items()}


def _first_line(error) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _to_tensor(value, spec, name):
    try:
        if spec.dtype == tf.string:
            array = np.asarray(value, dtype=object)
        else:
            array = np.asarray(value, dtype=spec.dtype.as_numpy_dtype)
    except (ValueError, TypeError):
        raise RequestError(
            f'input "{name}" must be {spec.dtype.name} values shaped {_shape(spec)}; '
            "some values are missing, ragged or not numbers"
        ) from None
    if spec.shape.rank is not None:
        if array.ndim != spec.shape.rank:
            raise RequestError(f'input "{name}" must have shape {_shape(spec)}, got {list(array.shape)}')
        for axis, (want, got) in enumerate(zip(spec.shape.as_list(), array.shape)):
            if want is not None and want != got:
                what = "features" if axis == 1 and array.ndim == 2 else f"values on axis {axis}"
                raise RequestError(
                    f'input "{name}" must have {want} {what} per instance, got {got} (shape {_shape(spec)})'
                )
    if array.size and array.dtype.kind == "f" and not np.isfinite(array).all():
        raise RequestError(f'input "{name}" holds NaN or infinite values')
    return tf.constant(array, dtype=spec.dtype)


def _shape(spec) -> str:
    return "[" + ", ".join("batch" if i == 0 and d is None else ("?" if d is None else str(d))
                           for i, d in enumerate(spec.shape.as_list())) + "]"


def _to_python_ready(array: np.ndarray) -> np.ndarray:
    if array.dtype.kind in ("O", "S"):
        return np.vectorize(lambda b: b.decode("utf-8", "replace") if isinstance(b, bytes) else b, otypes=[object])(array)
    return array
