"""The `train` command: SageMaker's /opt/ml tree in, a SavedModel out (or a failure file)."""

import json
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from . import sagemaker
from .data import Table, class_names, encode_labels, read_channel
from .hyperparameters import decode, load_schema
from .numbers import FLOAT32_MAX
from .sagemaker import UserError

CHECKPOINT_INTERVAL_SECONDS = 30
# Standardized values beyond this overflow the network's float32 arithmetic (3.4e38) soon enough.
MAX_STANDARDIZED = 1e18


class Stopped(Exception):
    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


class StopRequest:
    """SIGTERM (StopTrainingJob, MaxRuntimeInSeconds) and SIGINT. While `deferred` (fit(), where the
    loop ends after the current batch, and the export, which must not leave half a model behind)
    the request is only noted; anywhere else it raises at once."""

    def __init__(self):
        self.signal_name = None
        self.deferred = False

    def install(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum, _frame):
        name = signal.Signals(signum).name
        print(f"{name} received: stopping", flush=True)
        self.signal_name = self.signal_name or name
        if not self.deferred:
            raise Stopped(self.signal_name)

    def requested(self) -> bool:
        return self.signal_name is not None


def channels_config() -> dict:
    config = sagemaker.read_config("inputdataconfig.json", {})
    for name, spec in config.items():
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise UserError(
                f'inputdataconfig.json: channel "{name}" must be a JSON object such as '
                f'{{"TrainingInputMode": "File"}}, got {type(spec).__name__}. '
                "SageMaker writes this file; when running by hand, fix its content."
            )
        mode = spec.get("TrainingInputMode", "File")
        if mode not in ("File", "FastFile"):
            raise UserError(
                f'Channel "{name}" uses TrainingInputMode {json.dumps(mode)[:40]}; this algorithm reads files. '
                "Use File or FastFile."
            )
    if not config:  # no inputdataconfig.json: take the folders that are there
        root = sagemaker.data_dir()
        config = {p.name: {} for p in root.iterdir() if p.is_dir()} if root.is_dir() else {}
    if "train" not in config:
        raise UserError(
            f'The "train" channel is missing (channels: {sorted(config) or "none"}). '
            'Add a channel named "train" with CSV files: label first, then numeric features.'
        )
    for name in sorted(set(config) - {"train", "validation"}):
        print(f'note: channel "{name}" is not used by this algorithm', flush=True)
    return config


@dataclass
class TrainingInput:
    """Everything read and checked before TensorFlow is imported."""

    hp: dict
    train: Table
    classes: list
    y_train: np.ndarray
    validation: Optional[Table] = None  # None without a "validation" channel
    y_validation: Optional[np.ndarray] = None

    @property
    def n_features(self) -> int:
        return int(self.train.features.shape[1])

    @property
    def validation_data(self):
        """fit()'s validation_data: (features, encoded labels), or None without the channel."""
        return (self.validation.features, self.y_validation) if self.validation else None


@dataclass
class Training:
    """The model being trained (built fresh or resumed) and the callbacks that follow its fit."""

    model: object  # keras.Model
    initial_epoch: int
    log: object  # EpochLog: the epoch lines, the final metrics and their history
    checkpoints: object  # Checkpoints, or None when the job has no checkpoint folder
    callbacks: list


def run(stop: StopRequest) -> int:
    """One training job. The order matters: the input is checked before TensorFlow is imported (so
    garbage fails in a second, not after the import), only the leader trains, and stop requests are
    deferred around the fit and the export (see StopRequest)."""
    started = time.monotonic()
    remove_earlier_failure()
    me = sagemaker.identity()
    print(f"host={me.current_host} hosts={','.join(me.hosts)} leader={str(me.leader).lower()}", flush=True)
    job = read_input()
    tf = import_tensorflow()
    if not me.leader:
        print(
            f"{me.current_host} is not the first host ({sorted(me.hosts)[0]}): this algorithm trains on one "
            "host, so there is nothing to do here (README: Several hosts).",
            flush=True,
        )
        return 0
    training = start_training(job, stop)
    fit_seconds = fit(job, training, stop)
    target = save_model(job, training, stop, tf.__version__)
    print(
        f"model saved: {target} fit_seconds={fit_seconds:.1f} total_seconds={time.monotonic() - started:.1f}",
        flush=True,
    )
    return 0


def remove_earlier_failure() -> None:
    """A failure file left by an earlier run in the same tree (local reruns) would contradict this one."""
    try:
        (sagemaker.output_dir() / "failure").unlink(missing_ok=True)
    except OSError:
        pass


# ---- Before TensorFlow: the input -----------------------------------------------------------------


def read_input() -> TrainingInput:
    """Hyperparameters, channels and data, each checked (scale included) and logged."""
    hp = decode(sagemaker.read_config("hyperparameters.json", {}), load_schema())
    print("hyperparameters " + json.dumps(hp, sort_keys=True), flush=True)
    config = channels_config()
    train = read_channel(sagemaker.data_dir() / "train", "train")
    classes = train_classes(train)
    y_train = encode_labels(train.labels, classes, "train", train.first_seen)
    validation, y_validation = read_validation(config, train, classes)
    check_scale(train, validation)
    print(
        f"data: train_rows={len(y_train)} validation_rows={len(validation.labels) if validation else 0} "
        f"features={train.features.shape[1]} classes={len(classes)}",
        flush=True,
    )
    return TrainingInput(hp, train, classes, y_train, validation, y_validation)


def train_classes(train: Table) -> list:
    """The class names in the train channel, refusing data a classifier cannot learn from."""
    classes = class_names(train.labels, train.first_seen)
    if len(classes) < 2:
        raise UserError(
            f"The train channel has one class only ({classes[0]!r}, first at {train.first_seen[classes[0]]}); "
            "a classifier needs rows of two or more classes."
        )
    return classes


def read_validation(config: dict, train: Table, classes: list):
    """(table, encoded labels) of the validation channel, or (None, None) without one. Its columns
    must match the train channel's, and its labels must be classes the train channel has."""
    if "validation" not in config:
        return None, None
    validation = read_channel(sagemaker.data_dir() / "validation", "validation")
    if validation.features.shape[1] != train.features.shape[1]:
        raise UserError(
            f"{validation.where(0)}: {validation.features.shape[1]} features after the label, the train channel "
            f"has {train.features.shape[1]} ({train.where(0)}). Give both channels the same columns."
        )
    return validation, encode_labels(validation.labels, classes, "validation", validation.first_seen)


# ---- With TensorFlow: build or resume, fit, export ------------------------------------------------


def import_tensorflow():
    """TensorFlow and the Keras model code (seconds to load), then a log line of the devices it sees.

    Only called once the input has been checked, so mistakes fail fast. The steps after this one
    import from .model again: by then that costs nothing."""
    import tensorflow as tf

    from . import devices
    from . import model  # noqa: F401 - loads Keras here, with TensorFlow

    print(devices.report(tf), flush=True)
    return tf


def checkpoint_identity(job: TrainingInput) -> dict:
    """What a checkpoint must have been made for to be resumed by this job."""
    return {"features": job.n_features, "classes": job.classes, "hidden_units": job.hp["hidden_units"]}


def start_training(job: TrainingInput, stop: StopRequest) -> Training:
    """The model, resumed from /opt/ml/checkpoints when a checkpoint there fits this job, else
    built fresh; plus the callbacks: epoch log, stop request, divergence, and periodic checkpoints
    when the job has a checkpoint folder."""
    from .model import CheckpointStore, Checkpoints, EpochLog, StopOnDivergence, StopOnRequest, build

    fits = checkpoint_identity(job)
    store = None
    resumed = None
    if sagemaker.checkpoint_dir().is_dir():
        store = CheckpointStore(sagemaker.checkpoint_dir())
        resumed = store.load(fits, job.hp)
    model, initial_epoch = resumed or (build(job.n_features, len(job.classes), job.hp, job.train.features), 0)

    log = EpochLog(job.hp["epochs"])
    callbacks = [log, StopOnRequest(stop.requested), StopOnDivergence()]
    checkpoints = None
    if store:
        checkpoints = Checkpoints(store, CHECKPOINT_INTERVAL_SECONDS, fits)
        checkpoints.completed_epochs = initial_epoch
        callbacks.append(checkpoints)
    return Training(model, initial_epoch, log, checkpoints, callbacks)


def fit(job: TrainingInput, training: Training, stop: StopRequest) -> float:
    """Trains the remaining epochs and returns the seconds it took.

    A stop request during fit() only ends it after the current batch (Interrupted); then the
    progress is checkpointed and Stopped raised. A NaN or infinite loss is the data's or the
    learning rate's fault, so it becomes a UserError saying which."""
    from .model import Diverged, Interrupted

    hp = job.hp
    fit_started = time.monotonic()
    stop.deferred = True
    try:
        if training.initial_epoch < hp["epochs"] and not stop.requested():
            training.model.fit(
                job.train.features,
                job.y_train,
                batch_size=hp["batch_size"],
                epochs=hp["epochs"],
                initial_epoch=training.initial_epoch,
                validation_data=job.validation_data,
                shuffle=True,
                verbose=0,
                callbacks=training.callbacks,
            )
    except Interrupted:
        pass
    except Diverged as diverged:
        raise UserError(divergence_message(diverged, hp, job.train)) from None
    finally:
        stop.deferred = False
    if stop.requested():
        if training.checkpoints:
            training.checkpoints.save()
        raise Stopped(stop.signal_name)
    return time.monotonic() - fit_started


def model_metadata(job: TrainingInput, final: dict, tensorflow_version: str) -> dict:
    """metadata.json beside the SavedModel: what the model expects and answers, and how it was made."""
    return {
        "classes": job.classes,
        "features": job.n_features,
        "feature_names": job.train.feature_names,
        "hyperparameters": job.hp,
        "final_metrics": final,
        "tensorflow": tensorflow_version,
        "signature": {
            "name": "serving_default",
            "inputs": {"features": f"float32 [batch, {job.n_features}]"},
            "outputs": {"probabilities": f"float32 [batch, {len(job.classes)}]", "label": "string [batch]"},
        },
    }


def save_model(job: TrainingInput, training: Training, stop: StopRequest, tensorflow_version: str) -> Path:
    """Exports the SavedModel, a last checkpoint and metrics.json; returns the model's folder.

    A stop request is deferred until all of it is written: half a model would be worse than none."""
    from .model import export

    final = {k: v for k, v in training.log.last.items() if k != "epoch"}
    metadata = model_metadata(job, final, tensorflow_version)
    stop.deferred = True
    try:
        target = export(training.model, job.classes, sagemaker.model_dir(), metadata)
        if training.checkpoints:
            training.checkpoints.save()
        write_metrics(final, training.log.history)
    finally:
        stop.deferred = False
    if stop.requested():
        print(f"{stop.signal_name} arrived while saving; the model is complete", flush=True)
    return target


def write_metrics(final: dict, history: list) -> None:
    """/opt/ml/output/data/metrics.json: the final metrics and the logged epochs."""
    output = sagemaker.output_dir() / "data"
    output.mkdir(parents=True, exist_ok=True)
    (output / "metrics.json").write_text(
        json.dumps({"final": final, "history": history}, indent=2) + "\n", encoding="utf-8"
    )


def check_scale(train, validation=None) -> None:
    """Fails on values the model's float32 arithmetic cannot take, naming the row.

    The model standardizes each feature with a variance computed in float32: a train column whose
    squared deviations overflow (values around 1e19 and beyond) gets an infinite variance, every
    value of it becomes 0, and the job would "complete" with a useless model. A validation value
    astronomically far from the train data (3e38) overflows once standardized and makes val_loss
    NaN. Both are data problems, so they are reported as such, before TensorFlow is even loaded."""
    values = train.features.astype(np.float64)
    mean = values.mean(axis=0)
    deviations = values - mean
    with np.errstate(over="ignore"):
        squares = (deviations**2).sum(axis=0)
    for column in np.flatnonzero(~(squares <= FLOAT32_MAX / 8)):
        row = int(np.abs(deviations[:, column]).argmax())
        raise UserError(
            f"{train.where(row)}, column {column + 2}{_feature_name(train, column)}: {train.features[row, column]:.4g} "
            "is too large to standardize in float32 (the squared deviations of this column overflow). Rescale "
            "the feature (other units, a logarithm) so its values stay well below 1e18."
        )
    if validation is None:
        return
    spread = np.maximum(np.sqrt(squares / len(values)), 1e-7)  # Keras' Normalization floors it the same way
    with np.errstate(over="ignore"):
        scaled = np.abs(validation.features.astype(np.float64) - mean) / spread
    far = ~(scaled <= MAX_STANDARDIZED)
    if far.any():
        row, column = (int(i) for i in np.argwhere(far)[0])
        raise UserError(
            f"{validation.where(row)}, column {column + 2}{_feature_name(train, column)}: "
            f"{validation.features[row, column]:.4g} is {scaled[row, column]:.3g} standard deviations from the "
            "train channel's mean; the model's float32 arithmetic overflows on it. Rescale the feature or remove the row."
        )


def _feature_name(table, column: int) -> str:
    return f" ({table.feature_names[column]})" if column < len(table.feature_names) else ""


def divergence_message(diverged, hp: dict, train) -> str:
    """Why the loss became NaN or infinite, and what to change: values near the float32 limit
    overflow the standardization, and a too large learning rate makes Adam diverge."""
    largest = np.abs(train.features.astype(np.float64)).max(axis=0)
    column = int(largest.argmax())
    name = _feature_name(train, column)
    return (
        f"Training diverged: {diverged.name} became {diverged.value} in epoch {diverged.epoch}, so no model was "
        f"written. The train channel's largest absolute feature value is {largest[column]:.4g}, in column "
        f"{column + 2}{name}; values far beyond a few thousand overflow float32 arithmetic: rescale those features. "
        f"Otherwise lower learning_rate (now {hp['learning_rate']})."
    )


def main() -> int:
    stop = StopRequest()
    stop.install()
    try:
        return run(stop)
    except Stopped as stopped:
        message = (
            f"Training stopped by {stopped.signal_name} (StopTrainingJob or MaxRuntimeInSeconds) before it "
            "finished; no model was written. Raise MaxRuntimeInSeconds or lower epochs if the stop was not intended."
        )
        if sagemaker.checkpoint_dir().is_dir():
            message += f" The last checkpoint is in {sagemaker.checkpoint_dir()}; a new job with the same CheckpointConfig resumes from it."
        sagemaker.write_failure(message)
        print(message, flush=True)
        return 130 if stopped.signal_name == "SIGINT" else 143
    except UserError as error:
        sagemaker.write_failure(str(error))
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 1
    except Exception as error:  # noqa: BLE001 - the failure file must be written whatever went wrong
        trace = traceback.format_exc()
        # The cause first, on one short line (FailureReason shows 1024 characters), the trace after it (R7).
        cause = " ".join(f"{type(error).__name__}: {error}".split())[:500]
        sagemaker.write_failure(
            f"Unexpected error: {cause}. This is a bug in the algorithm or its image; "
            f"the stack trace follows and is in the training log.\n{trace}"
        )
        print(trace, file=sys.stderr, flush=True)
        return 2
