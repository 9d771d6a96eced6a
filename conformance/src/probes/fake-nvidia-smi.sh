#!/bin/sh
# The conformance suite's simulated GPU tier: an nvidia-smi that lists two GPUs with no CUDA device
# behind them, mounted over /usr/local/bin/nvidia-smi. Images must report what it lists and still
# train on the CPU.
case "$*" in
  *--list-gpus*|*-L*)
    echo "GPU 0: NVIDIA A10G (UUID: GPU-00000000-0000-4000-8000-000000000000)"
    echo "GPU 1: NVIDIA A10G (UUID: GPU-11111111-1111-4111-8111-111111111111)"
    ;;
  *--query-gpu=driver_version*)
    echo "535.104.05"
    echo "535.104.05"
    ;;
  *--query-gpu=count*)
    echo "2"
    echo "2"
    ;;
  *)
    echo "nvidia-smi (simulated by sagemaker-conformance): 2 x NVIDIA A10G, driver 535.104.05"
    ;;
esac
