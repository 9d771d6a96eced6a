"""Shared helpers: a throw-away /opt/ml tree (SM_BASE_DIR) and a WSGI client without a server."""

import importlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent
FIXTURES = TEMPLATE / "fixtures"


@contextmanager
def opt_ml(hyperparameters=None, channels=("train", "validation"), resource=None):
    root = Path(tempfile.mkdtemp(prefix="opt-ml-"))
    config = root / "input" / "config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(json.dumps(hyperparameters or {}))
    (config / "inputdataconfig.json").write_text(
        json.dumps({name: {"TrainingInputMode": "File"} for name in channels})
    )
    (config / "resourceconfig.json").write_text(
        json.dumps(resource or {"current_host": "algo-1-ab12c", "hosts": ["algo-1-ab12c"]})
    )
    for name in channels:
        shutil.copytree(FIXTURES / name, root / "input" / "data" / name)
    (root / "model").mkdir()
    (root / "output").mkdir()
    previous = os.environ.get("SM_BASE_DIR")
    os.environ["SM_BASE_DIR"] = str(root)
    try:
        yield root
    finally:
        if previous is None:
            os.environ.pop("SM_BASE_DIR", None)
        else:
            os.environ["SM_BASE_DIR"] = previous
        shutil.rmtree(root, ignore_errors=True)


def call(app, method, path, body=b"", headers=None):
    """Calls a WSGI app; returns (status, headers dict, body bytes)."""
    headers = dict(headers or {})
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)) if body else "",
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    captured = {}

    def start_response(status, response_headers):
        captured["status"] = int(status.split()[0])
        captured["headers"] = dict(response_headers)

    data = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], data


def restore_signals():
    """server.py installs SIGTERM/SIGINT handlers when imported; the tests put the defaults back."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def trained_server(hyperparameters):
    """Trains a model into a fresh /opt/ml tree and imports server.py over it (again, if another
    test imported it first): (the entered tree, its root, the server module). Exit the tree after."""
    tree = opt_ml(hyperparameters)
    root = tree.__enter__()
    from algorithm import training

    assert training.main() == 0
    restore_signals()
    if "server" in sys.modules:
        return tree, root, importlib.reload(sys.modules["server"])
    import server

    return tree, root, server
