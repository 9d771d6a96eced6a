"""Which accelerators this container has, as nvidia-smi and TensorFlow see them."""

import shutil
import subprocess


def nvidia_smi_gpus() -> int:
    """Counts GPUs as the SageMaker toolkit does: `nvidia-smi --list-gpus` lines starting "GPU " (K3)."""
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        result = subprocess.run(
            ["nvidia-smi", "--list-gpus"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return 0
    if result.returncode != 0:
        return 0
    return sum(1 for line in result.stdout.splitlines() if line.startswith("GPU "))


def report(tf) -> str:
    """One log line, e.g. `gpus=0 nvidia_smi_gpus=0 device=/CPU:0 tensorflow=2.21.0`.

    `gpus` is what TensorFlow can use; the CPU build (tensorflow-cpu) always says 0 and runs on the
    CPU, even when nvidia-smi lists GPUs (see README, GPU).
    """
    gpus = tf.config.list_physical_devices("GPU")
    device = "/GPU:0" if gpus else "/CPU:0"
    return (
        f"gpus={len(gpus)} nvidia_smi_gpus={nvidia_smi_gpus()} device={device} "
        f"tensorflow={tf.__version__} cuda_build={tf.test.is_built_with_cuda()}"
    )
