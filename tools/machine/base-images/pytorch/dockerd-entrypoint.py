"""What AWS's PyTorch inference image runs as its ENTRYPOINT, in behaviour: `serve` starts TorchServe
through the inference toolkit (which forwards SIGTERM to TorchServe and waits for it); anything
else runs as a command. Afterwards it keeps the container alive with `tail -f /dev/null`, as AWS's
does, so the container only ends at SIGKILL (contract I11: 30 s after SIGTERM)."""

import shlex
import subprocess
import sys

if len(sys.argv) > 1 and sys.argv[1] == "serve":
    from sagemaker_pytorch_serving_container import serving

    serving.main()
else:
    subprocess.check_call(shlex.split(" ".join(sys.argv[1:])))

subprocess.call(["tail", "-f", "/dev/null"])
