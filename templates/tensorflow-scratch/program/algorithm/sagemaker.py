"""The SageMaker side of the contract: the /opt/ml tree, config files, identity, failure file."""

import json
import os
from dataclasses import dataclass
from pathlib import Path


class UserError(Exception):
    """A problem with the job's input (hyperparameters, channels, data, config).

    The message is what SageMaker shows as FailureReason: say what is wrong and how to fix it,
    on the first line.
    """


def base_dir() -> Path:
    # SM_BASE_DIR moves the whole tree, for tests and local runs; SageMaker always uses /opt/ml.
    return Path(os.environ.get("SM_BASE_DIR", "/opt/ml"))


def config_dir() -> Path:
    return base_dir() / "input" / "config"


def data_dir() -> Path:
    return base_dir() / "input" / "data"


def model_dir() -> Path:
    return base_dir() / "model"


def output_dir() -> Path:
    return base_dir() / "output"


def checkpoint_dir() -> Path:
    return base_dir() / "checkpoints"


def read_config(name: str, default):
    """Reads input/config/<name>; `default` when the file is missing (SDK local mode may omit some)."""
    path = config_dir() / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    try:
        value = json.loads(text) if text.strip() else default
    except json.JSONDecodeError as error:
        raise UserError(
            f"{path} is not valid JSON ({error.msg} at line {error.lineno}). "
            "SageMaker writes this file; when running by hand, fix its content."
        ) from None
    if not isinstance(value, dict):
        raise UserError(f"{path} must hold a JSON object, got {type(value).__name__}.")
    return value


@dataclass(frozen=True)
class Identity:
    current_host: str
    hosts: list

    @property
    def leader(self) -> bool:
        """One host writes the model, so hosts never clash in /opt/ml/model (T19)."""
        return self.current_host == sorted(self.hosts)[0]


def identity() -> Identity:
    """Who this container is, from resourceconfig.json (T12, T15): never from /etc/hostname."""
    config = read_config("resourceconfig.json", {})
    current = config.get("current_host") or "algo-1"
    if not isinstance(current, str):
        raise UserError('resourceconfig.json: "current_host" must be a host name (a string).')
    hosts = config.get("hosts") or [current]
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise UserError('resourceconfig.json: "hosts" must be a list of host names.')
    if current not in hosts:
        raise UserError(
            f'resourceconfig.json: current_host "{current}" is not in hosts {hosts}.'
        )
    return Identity(current_host=current, hosts=hosts)


def write_failure(message: str) -> None:
    """SageMaker shows the first 1024 characters of output/failure as FailureReason (T18)."""
    path = output_dir() / "failure"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(message.rstrip("\n") + "\n", encoding="utf-8")
    except OSError as error:
        print(f"could not write {path}: {error}", flush=True)


def cpu_count() -> int:
    """CPUs this container may use: its CPU set, capped by a cgroup quota when there is one."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    if quota is not None:
        count = min(count, max(1, int(quota + 0.999)))
    return max(1, count)


def _cgroup_cpu_quota():
    try:  # cgroup v2: "max 100000" or "200000 100000"
        limit, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return None if limit == "max" else int(limit) / int(period)
    except (OSError, ValueError):
        pass
    try:  # cgroup v1
        limit = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text())
        period = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
        return None if limit <= 0 else limit / period
    except (OSError, ValueError):
        return None
