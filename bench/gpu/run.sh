#!/usr/bin/env bash
# Everything a lent GPU session measures, in one device call (the machine has no .NET and no network).
# Here:        ../shared/tools/device-pack.sh            (packs gpuengine into .device/gpuengine.tar.xz)
# Device tool: run  command="bash bench/gpu/run.sh"  carry=[".device"]
# Results land in $OUT: devices, the kernel and model check (cuda against cpu, cpu against the reference loops), RepVGG-A0 fp32/int8 profiles at
# batch 1 and 256, the PyTorch peer (peer.py), weights/convert.py against PyTorch (check_weights.py), and
# results.md (table.py), which is what gets committed under bench/results/.
# Each step runs even when an earlier one failed; steps.txt has every command with its exit code and seconds.
set -u
out=${OUT:?run this on the device machine, where \$OUT is set}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p /tmp/ge && tar -xJf .device/gpuengine.tar.xz -C /tmp/ge
ge=/tmp/ge/gpuengine

step() {  # step NAME COMMAND...: output to $out/NAME.txt, exit code and time to steps.txt
    local name=$1 start=$SECONDS
    shift
    "$@" >"$out/$name.txt" 2>&1
    local rc=$?
    echo "$name rc=$rc $((SECONDS - start))s: $*" >>"$out/steps.txt"
    tail -n 3 "$out/$name.txt"
}

{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; date -u; } >"$out/machine.txt" 2>&1
step devices "$ge" devices
# The check: every kernel family fp32 and int8 (bit-exact), and RepVGG-A0 (both forms), RepVGG-N1, MobileNetV2 and
# VGG11-BN fp32 and int8 against the cpu backend; one line per case in check.txt, the report in check.md. Then the
# cpu backend itself against the float64/integer reference loops, on this machine's CPU.
step check "$ge" check --device cuda --format md --output "$out/check.md" --force
step check-cpu "$ge" check --device cpu --format md --output "$out/check-cpu.md" --force
# Calibrate once at batch 1: calibration always runs on the cpu backend (so int8 answers do not depend on the device,
# docs/quantization.md) and keeps every activation on the host; at batch 256 that is minutes and gigabytes.
step quantize "$ge" quantize --model repvgg-a0 --classes 1000 --input 1x3x224x224 --device cuda --out /tmp/ge-a0-int8.safetensors --force
for precision in fp32 int8; do
    quantized=()
    [ "$precision" = int8 ] && quantized=(--quantized /tmp/ge-a0-int8.safetensors)
    for batch in 1 256; do
        step "profile-$precision-b$batch" "$ge" profile --model repvgg-a0 --classes 1000 --input "${batch}x3x224x224" \
            --precision "$precision" "${quantized[@]}" --device cuda --warmup 10 --runs 50 --report tape --format json \
            --output "$out/profile-$precision-b$batch.json" --force
    done
done
# Tactics by measurement (docs/tactics.md): per conv every candidate's time (dp4a 64x64, tile32, and the tensor-core
# conv on sm_80+), then the int8 profiles again with the chosen kernels (the cache under $XDG_CACHE_HOME).
export XDG_CACHE_HOME=/tmp/ge-cache
for batch in 1 256; do
    step "tune-int8-b$batch" "$ge" tune --model repvgg-a0 --classes 1000 --input "${batch}x3x224x224" --precision int8 \
        --quantized /tmp/ge-a0-int8.safetensors --device cuda
    step "profile-int8-b$batch-tuned" "$ge" profile --model repvgg-a0 --classes 1000 --input "${batch}x3x224x224" \
        --precision int8 --quantized /tmp/ge-a0-int8.safetensors --tactics tuned --device cuda --warmup 10 --runs 50 \
        --report tape --format json --output "$out/profile-int8-b$batch-tuned.json" --force
done
step roofline "$ge" profile --model repvgg-a0 --classes 1000 --input 1x3x224x224 --device cuda --runs 20 \
    --format svg --output "$out/roofline-a0.svg" --force
step peer python3 "$here/peer.py" --batch 1 256 --out "$out/peer.json"
step weights python3 "$here/check_weights.py" --gpuengine "$ge" --work /tmp/ge-weights --out "$out/weights.json"
python3 "$here/table.py" "$out" >"$out/results.md" 2>>"$out/steps.txt"
cat "$out/steps.txt"
