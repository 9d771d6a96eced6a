"""Iris species from four measurements: a small PyTorch network in SageMaker script mode.

One file, both jobs, as SageMaker's framework containers expect:
- Training: the toolkit's `train` runs `python iris.py --epochs 30 --learning_rate 0.05 ...`
  (hyperparameters as `--key value`) with SageMaker's places in `SM_*` variables.
- Serving: the inference toolkit imports this module and calls `model_fn`, `input_fn`,
  `predict_fn` and `output_fn`.

Replace the marked parts (THE MODEL, the data reading and the codecs) with your algorithm.
"""

import argparse
import csv
import io
import json
import os
import sys
import time

import torch
from torch import nn

try:  # Only under the inference toolkit: its errors choose the HTTP status.
    from sagemaker_inference.errors import BaseInferenceToolkitError
except ImportError:  # training, tests

    class BaseInferenceToolkitError(Exception):
        def __init__(self, status_code, message, phrase):
            super().__init__(status_code, message, phrase)
            self.status_code, self.message, self.phrase = status_code, message, phrase


FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
MODEL_FILE = "model.pth"
JSON, CSV, JSONLINES = "application/json", "text/csv", "application/jsonlines"


# ---- THE MODEL ---------------------------------------------------------------------------------


def build(hidden_units: int, classes: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(len(FEATURES), hidden_units), nn.ReLU(), nn.Linear(hidden_units, classes)
    )


# ---- Training ----------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    """Hyperparameters arrive as `--key value` strings; SageMaker's folders as SM_* variables."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--learning_rate", type=float, default=0.05)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--hidden_units", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model-dir", default=env("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--train", default=env("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--validation", default=env("SM_CHANNEL_VALIDATION"))
    parser.add_argument("--num-gpus", type=int, default=int(env("SM_NUM_GPUS", "0")))
    args = parser.parse_args(argv)
    checks = {
        "epochs": args.epochs >= 1,
        "learning_rate": args.learning_rate > 0,
        "batch_size": args.batch_size >= 1,
        "hidden_units": args.hidden_units >= 1,
    }
    for name, ok in checks.items():
        if not ok:
            parser.error(
                f"hyperparameter {name}={getattr(args, name)} is out of range: it must be "
                f"{'> 0' if name == 'learning_rate' else '>= 1'}. Fix it in the training job's "
                "hyperparameters."
            )
    return args


def read_channel(folder: str) -> tuple[list[str], torch.Tensor]:
    """Every *.csv file of a channel: a header row, the species first, then the measurements."""
    if not folder or not os.path.isdir(folder):
        raise SystemExit(
            f"the channel folder {folder} does not exist. Give the training job a 'train' channel "
            "of CSV files (species first, then the four measurements)."
        )
    labels, rows = [], []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(folder, name), newline="") as handle:
            for line, record in enumerate(csv.reader(handle), start=1):
                if not record or record[0] == "species":
                    continue
                if len(record) != 1 + len(FEATURES):
                    raise SystemExit(f"{name}:{line}: expected 5 columns, got {len(record)}")
                labels.append(record[0])
                rows.append([float(value) for value in record[1:]])
    if not rows:
        raise SystemExit(f"the channel folder {folder} holds no CSV rows. Add *.csv files.")
    return labels, torch.tensor(rows, dtype=torch.float32)


def pick_device(num_gpus: int) -> torch.device:
    """CUDA when the toolkit counted GPUs (SM_NUM_GPUS, from nvidia-smi) and torch can reach one."""
    usable = num_gpus > 0 and torch.cuda.is_available()
    print(
        f"sm_num_gpus={num_gpus} cuda_available={torch.cuda.is_available()} "
        f"device={'cuda' if usable else 'cpu'}",
        flush=True,
    )
    return torch.device("cuda" if usable else "cpu")


def evaluate(model, x, y) -> tuple[float, float]:
    with torch.no_grad():
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def train(args: argparse.Namespace) -> None:
    started = time.time()
    torch.manual_seed(args.seed)
    device = pick_device(args.num_gpus)
    labels, x = read_channel(args.train)
    classes = sorted(set(labels))
    y = torch.tensor([classes.index(label) for label in labels])
    mean, std = x.mean(dim=0), x.std(dim=0).clamp(min=1e-6)
    x = ((x - mean) / std).to(device)
    y = y.to(device)
    validation = None
    if args.validation and os.path.isdir(args.validation):
        v_labels, v_x = read_channel(args.validation)
        unknown = sorted(set(v_labels) - set(classes))
        if unknown:
            raise SystemExit(f"validation has species the training data lacks: {unknown}")
        v_y = torch.tensor([classes.index(label) for label in v_labels]).to(device)
        validation = (((v_x - mean) / std).to(device), v_y)

    model = build(args.hidden_units, len(classes)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x), device=device)
        for start in range(0, len(x), args.batch_size):
            batch = order[start : start + args.batch_size]
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
        loss, accuracy = evaluate(model, x, y)
        line = f"epoch={epoch} train_loss={loss:.4f} train_accuracy={accuracy:.4f}"
        if validation:
            v_loss, v_accuracy = evaluate(model, *validation)
            line += f" validation_loss={v_loss:.4f} validation_accuracy={v_accuracy:.4f}"
        print(line, flush=True)

    os.makedirs(args.model_dir, exist_ok=True)
    torch.save(
        {
            "state_dict": {k: v.cpu() for k, v in model.state_dict().items()},
            "classes": classes,
            "hidden_units": args.hidden_units,
            "mean": mean.tolist(),
            "std": std.tolist(),
        },
        os.path.join(args.model_dir, MODEL_FILE),
    )
    print(f"saved {MODEL_FILE} to {args.model_dir} after {time.time() - started:.2f} s", flush=True)


# ---- Serving: the inference toolkit's four functions -------------------------------------------


class Predictor:
    def __init__(self, saved: dict, device: torch.device):
        self.classes = saved["classes"]
        self.mean = torch.tensor(saved["mean"])
        self.std = torch.tensor(saved["std"])
        self.device = device
        self.network = build(saved["hidden_units"], len(self.classes))
        self.network.load_state_dict(saved["state_dict"])
        self.network.to(device).eval()


def model_fn(model_dir: str) -> Predictor:
    """Loads the model once per worker; a missing model fails the worker, so /ping stays unhealthy."""
    path = os.path.join(model_dir, MODEL_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: serve the model.tar.gz of a training job")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return Predictor(torch.load(path, map_location=device), device)


def bad_request(message: str, status: int = 400) -> BaseInferenceToolkitError:
    phrases = {400: "Bad Request", 406: "Not Acceptable", 415: "Unsupported Media Type"}
    return BaseInferenceToolkitError(status, message, phrases[status])


def input_fn(body, content_type: str) -> torch.Tensor:
    """JSON ({"instances": [[...]]} or [[...]]), JSON lines or CSV rows of four numbers."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    kind = (content_type or JSON).split(";")[0].strip().lower()
    try:
        if kind == JSON:
            data = json.loads(body)
            rows = data.get("instances") if isinstance(data, dict) else data
        elif kind == JSONLINES:
            rows = [json.loads(line) for line in body.splitlines() if line.strip()]
            rows = [r.get("features", r) if isinstance(r, dict) else r for r in rows]
        elif kind == CSV:
            rows = [[float(v) for v in r] for r in csv.reader(io.StringIO(body)) if r]
        else:
            raise bad_request(f"Content-Type {content_type} is not supported: use {JSON}, {CSV} or {JSONLINES}.", 415)
    except (ValueError, json.JSONDecodeError) as error:
        raise bad_request(f"the {kind} body could not be read: {error}") from None
    if not isinstance(rows, list) or not rows:
        raise bad_request('expected a non-empty list of instances, e.g. {"instances": [[5.1, 3.5, 1.4, 0.2]]}')
    for number, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(FEATURES):
            raise bad_request(f"instance {number} must be a list of {len(FEATURES)} numbers ({', '.join(FEATURES)})")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
            raise bad_request(f"instance {number} holds a value that is not a number: {row}")
    return torch.tensor(rows, dtype=torch.float32)


def predict_fn(data: torch.Tensor, model: Predictor) -> list[dict]:
    with torch.no_grad():
        x = ((data - model.mean) / model.std).to(model.device)
        probabilities = torch.softmax(model.network(x), dim=1).cpu()
    return [
        {"label": model.classes[int(p.argmax())], "probabilities": [round(float(v), 6) for v in p]}
        for p in probabilities
    ]


def output_fn(predictions: list[dict], accept: str):
    kind = (accept or JSON).split(";")[0].strip().lower()
    if kind in (JSON, "*/*"):
        return json.dumps({"predictions": predictions}), JSON
    if kind == JSONLINES:
        return "".join(json.dumps(p) + "\n" for p in predictions), JSONLINES
    if kind == CSV:
        return "".join(p["label"] + "\n" for p in predictions), CSV
    raise bad_request(f"Accept {accept} is not supported: use {JSON}, {CSV} or {JSONLINES}.", 406)


if __name__ == "__main__":
    train(parse_args(sys.argv[1:]))
