"""The algorithm: a small Keras classifier, its training loop hooks, checkpoints and the SavedModel export.

Replace this file to change the model; keep the callbacks so SIGTERM stays prompt and metrics stay
regex-friendly.
"""

import json
import math
import os
import shutil
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

# Bump when metadata.json or the serving signature changes shape.
MODEL_FORMAT = 1
# TensorFlow Serving looks for numbered version folders under the model base path.
MODEL_VERSION = "1"


def build(n_features: int, n_classes: int, hp: dict, train_features: np.ndarray) -> keras.Model:
    keras.utils.set_random_seed(hp["seed"])
    standardize = keras.layers.Normalization(axis=-1, name="standardize")
    standardize.adapt(train_features)
    inputs = keras.Input(shape=(n_features,), name="features", dtype="float32")
    x = standardize(inputs)
    if hp["hidden_units"] > 0:
        x = keras.layers.Dense(hp["hidden_units"], activation="relu", name="hidden")(x)
        if hp["dropout"] > 0:
            x = keras.layers.Dropout(hp["dropout"], seed=hp["seed"], name="dropout")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="probabilities")(x)
    model = keras.Model(inputs, outputs, name="classifier")
    compile_model(model, hp)
    return model


def compile_model(model: keras.Model, hp: dict) -> None:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=hp["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


def _metric(value) -> str:
    value = float(value)
    return f"{value:.4f}" if math.isfinite(value) else str(value)


class EpochLog(keras.callbacks.Callback):
    """One line per epoch, `epoch=3 loss=0.4100 accuracy=0.9100 val_loss=... val_accuracy=...`:
    the first 10 epochs, then about 1000 lines however many epochs, and always the last one."""

    ORDER = ("loss", "accuracy", "val_loss", "val_accuracy")

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs
        self.every = max(1, epochs // 1000)
        self.history = []
        self.last = {}

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        number = epoch + 1
        self.last = {"epoch": number, **{k: float(v) for k, v in logs.items()}}
        if number <= 10 or number % self.every == 0 or number == self.epochs:
            names = [k for k in self.ORDER if k in logs] + sorted(set(logs) - set(self.ORDER))
            print(f"epoch={number} " + " ".join(f"{k}={_metric(logs[k])}" for k in names), flush=True)
            self.history.append(self.last)


class Diverged(Exception):
    """Raised out of fit() when the loss stops being a finite number."""

    def __init__(self, epoch: int, name: str, value: float):
        super().__init__(f"{name}={value} after epoch {epoch}")
        self.epoch, self.name, self.value = epoch, name, value


class StopOnDivergence(keras.callbacks.Callback):
    """Ends training at the first epoch whose loss is NaN or infinite: nothing after it can be
    learned, and exporting such a model would answer NaN to every request. Checked per epoch, not
    per batch, so the check costs nothing measurable."""

    def on_epoch_end(self, epoch, logs=None):
        for name in ("loss", "val_loss"):
            if name in (logs or {}) and not math.isfinite(float(logs[name])):
                raise Diverged(epoch + 1, name, float(logs[name]))


class Interrupted(Exception):
    """Raised out of fit() between two batches when a stop was requested."""


class StopOnRequest(keras.callbacks.Callback):
    """Leaves fit() right after the current batch once `should_stop()` says so (SIGTERM): no
    validation pass and no metrics line for the unfinished epoch."""

    def __init__(self, should_stop):
        super().__init__()
        self.should_stop = should_stop

    def on_train_batch_end(self, batch, logs=None):
        if self.should_stop():
            raise Interrupted()

    def on_test_batch_end(self, batch, logs=None):
        if self.should_stop():
            raise Interrupted()


class Checkpoints(keras.callbacks.Callback):
    """Saves the model to /opt/ml/checkpoints (synced to S3 by SageMaker) at most every `interval` s."""

    def __init__(self, store: "CheckpointStore", interval: float, identity: dict):
        super().__init__()
        self.store = store
        self.interval = interval
        self.identity = identity
        self.saved_at = time.monotonic()
        self.completed_epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.completed_epochs = epoch + 1
        if time.monotonic() - self.saved_at >= self.interval:
            self.save()

    def save(self):
        self.store.save(self.model, self.completed_epochs, self.identity)
        self.saved_at = time.monotonic()


class CheckpointStore:
    """checkpoint.keras (weights and optimizer state) + checkpoint.json (epoch, what it fits)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.model_path = directory / "checkpoint.keras"
        self.meta_path = directory / "checkpoint.json"

    def save(self, model: keras.Model, epoch: int, identity: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / "checkpoint-partial.keras"
        model.save(temporary)
        os.replace(temporary, self.model_path)
        meta = {"epoch": epoch, **identity}
        (self.directory / "checkpoint.json.partial").write_text(json.dumps(meta), encoding="utf-8")
        os.replace(self.directory / "checkpoint.json.partial", self.meta_path)
        print(f"checkpoint saved: epoch={epoch} path={self.model_path}", flush=True)

    def load(self, identity: dict, hp: dict):
        """(model, epoch) from a checkpoint that fits this job, else None (with a log line why)."""
        if not (self.model_path.is_file() and self.meta_path.is_file()):
            return None
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"checkpoint ignored: {self.meta_path} is unreadable ({error})", flush=True)
            return None
        if {k: meta.get(k) for k in identity} != identity:
            print(
                "checkpoint ignored: it was made for other data or hyperparameters "
                f"({self.meta_path})",
                flush=True,
            )
            return None
        model = keras.models.load_model(self.model_path)
        compile_model(model, hp)  # a fresh optimizer at the current learning rate
        print(f"checkpoint loaded: resuming after epoch={meta['epoch']}", flush=True)
        return model, int(meta["epoch"])


def export(model: keras.Model, classes: list, model_dir: Path, metadata: dict) -> Path:
    """Writes <model_dir>/1/ (a SavedModel, as TensorFlow Serving expects) and metadata.json.

    Signature `serving_default`: features float32 [batch, n_features] ->
    probabilities float32 [batch, n_classes] and label string [batch] (the class name).
    """
    n_features = model.input_shape[-1]
    class_names = tf.constant(classes, dtype=tf.string)

    standardize = model.get_layer("standardize")

    @tf.function(input_signature=[tf.TensorSpec([None, n_features], tf.float32, name="features")])
    def serve(features):
        probabilities = model(features, training=False)
        # A value near the float32 limit (3e38) overflows once standardized, and the network then
        # answers a confident-looking but meaningless prior. Such rows get NaN probabilities, which
        # the server refuses (400, naming the record) instead of answering 200 with nonsense.
        usable = tf.reduce_all(tf.math.is_finite(standardize(features)), axis=1, keepdims=True)
        probabilities = tf.where(usable, probabilities, tf.constant(float("nan")))
        label = tf.gather(class_names, tf.argmax(probabilities, axis=1))
        return {"probabilities": probabilities, "label": label}

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serving_default", fn=serve)
    target = model_dir / MODEL_VERSION
    if target.exists():
        shutil.rmtree(target)
    archive.write_out(str(target), verbose=False)
    (model_dir / "metadata.json").write_text(
        json.dumps({"format": MODEL_FORMAT, **metadata}, indent=2) + "\n", encoding="utf-8"
    )
    return target
