#!/usr/bin/env python3
"""Turns what bench/gpu/run.sh left in a results folder into the Markdown committed under bench/results/."""
import glob
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def tail(path, lines):
    try:
        with open(path) as f:
            return [l.rstrip() for l in f.readlines()[-lines:]]
    except OSError:
        return ["(missing)"]


def main(folder):
    print("# GPU measurements\n")
    print("Machine (nvidia-smi, date):\n\n```\n" + "\n".join(tail(os.path.join(folder, "machine.txt"), 5)) + "\n```\n")
    print("Command: `bash bench/gpu/run.sh` on the lent machine, with `gpuengine` packed by `../shared/tools/device-pack.sh`.\n")

    print("## RepVGG-A0 at 224x224, end to end (median of 50 runs after 10 warm-up, CUDA events)\n")
    print("| engine | precision | batch | median ms | p90 ms | min ms | images/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path in sorted(glob.glob(os.path.join(folder, "profile-*.json"))):
        p = load(path)
        if not p:
            print(f"| GpuEngine | {os.path.basename(path)} | | failed | | | |")
            continue
        batch = int(p["input"].split("x")[0])
        ms = p["end_to_end_median_ms"]
        print(f"| GpuEngine | {p['precision']} | {batch} | {ms:.3f} | {p['end_to_end_p90_ms']:.3f} | "
              f"{p['end_to_end_min_ms']:.3f} | {batch / ms * 1000:,.0f} |")
    peer = load(os.path.join(folder, "peer.json"))
    for r in (peer or {}).get("rows", []):
        print(f"| {r['engine']} | {r['precision']} | {r['batch']} | {r['median_ms']:.3f} | {r['p90_ms']:.3f} | "
              f"{r['min_ms']:.3f} | {r['images_per_s']:,.0f} |")

    for path in sorted(glob.glob(os.path.join(folder, "profile-*-b256.json"))):
        p = load(path)
        if not p:
            continue
        rows = sorted(p["rows"], key=lambda r: -r.get("latency_median_ms", 0))[:10]
        print(f"\n## Slowest kernels, {p['precision']} batch 256 (of {p['kernel_launches']} launches)\n")
        print("| launch | kernel | median ms | GFLOP/s | GB/s |")
        print("|---|---|---:|---:|---:|")
        for r in rows:
            print(f"| {r['name']} | {r['kernel']} | {r['latency_median_ms']:.3f} | {r.get('gflops', 0):,.1f} | {r.get('gbps', 0):,.1f} |")

    print("\n## Every kernel and model against the cpu reference (`gpuengine check --device cuda`)\n")
    for name in ("check.md", "check-cpu.md"):
        report = os.path.join(folder, name)
        if os.path.exists(report):
            with open(report, encoding="utf-8") as f:
                print(f.read())
    print("```\n" + "\n".join(tail(os.path.join(folder, "check.txt"), 3)) + "\n```")

    weights = load(os.path.join(folder, "weights.json"))
    print("\n## weights/convert.py and the name maps against PyTorch (float64 reference, engine on the GPU)\n")
    if weights:
        print("| case | safetensors max rel. error | ONNX max rel. error | unmapped names |")
        print("|---|---:|---:|---|")
        for c in weights["cases"]:
            def cell(key):
                v = c.get(key, {})
                return f"{v['max_relative_error']:.2e}" if "max_relative_error" in v else str(v.get("error", c.get("error", "")))
            names = (c.get("state_dict_missing", []) + c.get("state_dict_unexpected", []))[:3]
            print(f"| {c['case']} | {cell('safetensors')} | {cell('onnx')} | {', '.join(names) or 'none'} |")
    else:
        print("(no result)")

    print("\n## Steps\n\n```\n" + "\n".join(tail(os.path.join(folder, "steps.txt"), 20)) + "\n```")


if __name__ == "__main__":
    main(sys.argv[1])
