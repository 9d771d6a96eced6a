"""Serving settings from SageMaker's environment variables, read in one place (serve and the workers)."""

import os

from .sagemaker import cpu_count

DEFAULT_PORT = 8080
DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_MAX_PAYLOAD_MB = 6  # real-time endpoints (I7)
MAX_PAYLOAD_MB = 1024  # asynchronous endpoints take bodies up to 1 GB
BATCH_PAYLOAD_MB = 100  # batch transform: MaxConcurrentTransforms x MaxPayloadInMB must stay <= 100


class SettingError(ValueError):
    pass


def _integer(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not an integer; set it to {low}..{high} or unset it") from None
    if not low <= value <= high:
        raise SettingError(f"{name}={value} is out of range; set it to {low}..{high} or unset it")
    return value


def port() -> int:
    """SAGEMAKER_BIND_TO_PORT (inference pipelines, multi-container endpoints), else 8080."""
    return _integer("SAGEMAKER_BIND_TO_PORT", DEFAULT_PORT, 1, 65535)


def workers() -> int:
    return _integer("SAGEMAKER_MODEL_SERVER_WORKERS", cpu_count(), 1, 256)


def timeout() -> int:
    return _integer("SAGEMAKER_MODEL_SERVER_TIMEOUT", DEFAULT_TIMEOUT_SECONDS, 1, 3600)


def max_payload_mb() -> int:
    return _integer("SAGEMAKER_MAX_PAYLOAD_IN_MB", DEFAULT_MAX_PAYLOAD_MB, 1, MAX_PAYLOAD_MB)


def max_payload_bytes() -> int:
    return max_payload_mb() * 1024 * 1024


def threads_per_worker() -> int:
    """TensorFlow's thread pools per worker, so N workers do not each grab every CPU."""
    return max(1, cpu_count() // workers())


def execution_parameters() -> dict:
    """GET /execution-parameters (batch transform asks before the first request; B3, B4).
    MaxConcurrentTransforms x MaxPayloadInMB must stay <= 100, so a limit raised for asynchronous
    endpoints (up to 1024 MB) is offered to batch transform as 100 MB."""
    payload = min(max_payload_mb(), BATCH_PAYLOAD_MB)
    default = max(1, min(workers(), BATCH_PAYLOAD_MB // payload))
    concurrent = _integer("SAGEMAKER_MAX_CONCURRENT_TRANSFORMS", default, 1, 1000)
    return {
        "MaxConcurrentTransforms": max(1, min(concurrent, BATCH_PAYLOAD_MB // payload)),
        "BatchStrategy": "MultiRecord",  # the API's spelling; SDK local mode rejects MULTI_RECORD
        "MaxPayloadInMB": payload,
    }
