"""Loading the SavedModel and running its signature, with TensorFlow Serving's REST semantics.

Nothing here knows this template's model: any SavedModel with a `serving_default` signature works,
so the answers match what TensorFlow Serving would give for the same model and request.
"""

import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from .records import RecordError, check_finite_outputs, to_array

# The request does not fit the model (400); `record` names the culprit when there is one.
RequestError = RecordError


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
        outputs = {key: _to_python_ready(value.numpy()) for key, value in result.items()}
        check_finite_outputs(outputs)
        return outputs


def _first_line(error) -> str:
    """The gist of a TensorFlow error, for the client: its first line, unless that names files."""
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return first if first and "/" not in first and "File " not in first else type(error).__name__


def _to_tensor(value, spec, name):
    """The records of one input as a tensor of the signature's dtype and shape. Numeric inputs are
    checked value by value (records.to_array): no strings, booleans, NaN or out-of-range numbers."""
    if spec.dtype == tf.string:
        array = _strings(value, name)
    else:
        array = to_array(value, spec.dtype.as_numpy_dtype, name)
    if spec.shape.rank is not None:
        if array.ndim != spec.shape.rank:
            raise RequestError(f'input "{name}" must have shape {_shape(spec)}, got {list(array.shape)}')
        for axis, (want, got) in enumerate(zip(spec.shape.as_list(), array.shape)):
            if want is not None and want != got:
                what = "features" if axis == 1 and array.ndim == 2 else f"values on axis {axis}"
                raise RequestError(
                    f'input "{name}" must have {want} {what} per instance, got {got} (shape {_shape(spec)})'
                )
    return tf.constant(array, dtype=spec.dtype)


def _strings(value, name):
    try:
        array = np.asarray(value, dtype=object)
    except (ValueError, TypeError):
        raise RequestError(f'input "{name}" must be strings shaped alike; some are missing or ragged') from None
    if not all(isinstance(v, str) for v in array.reshape(-1).tolist()):
        raise RequestError(f'input "{name}" must hold strings only')
    return array


def _shape(spec) -> str:
    return "[" + ", ".join("batch" if i == 0 and d is None else ("?" if d is None else str(d))
                           for i, d in enumerate(spec.shape.as_list())) + "]"


def _to_python_ready(array: np.ndarray) -> np.ndarray:
    """String tensors come back as bytes: decode each distinct value once (labels repeat a lot)."""
    if array.dtype.kind not in ("O", "S"):
        return array
    values = array.reshape(-1).tolist()
    text = {v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in set(values)}
    out = np.empty(len(values), dtype=object)
    out[:] = [text[v] for v in values]
    return out.reshape(array.shape)
