#!/usr/bin/env python3
"""Checks weights/convert.py and GpuEngine's weight-name maps against PyTorch, where PyTorch, timm and torchvision
are installed (the lent GPU machine). For each case: a random-initialized timm/torchvision model gets random
BatchNorm statistics and affine parameters too (at initialization they are the identity, which would hide a
swapped BN mapping); convert.py's writers save its safetensors and ONNX; the safetensors file is loaded back into
a fresh PyTorch model, whose float64 CPU logits are the reference;
`gpuengine run --weights FILE` (and `--model FILE.onnx`) on the device must agree within --tolerance
(max |engine - reference| / max |reference|). Prints one JSON line per case and writes them all to --out.
"""
import argparse
import importlib.util
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = os.path.join(HERE, "..", "..", "weights", "convert.py")

# (case name, source, source model name, deploy form, GpuEngine zoo name, input size)
CASES = [
    ("repvgg_a0 train-time", "timm", "repvgg_a0", False, "repvgg-a0-train", 224),
    ("repvgg_a0 deploy", "timm", "repvgg_a0", True, "repvgg-a0", 224),
    ("mobilenet_v2", "torchvision", "mobilenet_v2", False, "mobilenet_v2", 224),
    ("vgg11", "torchvision", "vgg11", False, "vgg11", 224),
]


def load_convert():
    spec = importlib.util.spec_from_file_location("convert", CONVERT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_safetensors(path):
    """The safetensors file as {name: float64 tensor}; written here so the check does not trust convert.py's writer."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", f"{name}: dtype {entry['dtype']}"
        begin, end = entry["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"]).astype(np.float64))
    return out


def fresh_model(source, name, deploy, randomize_batchnorm=False):
    if source == "timm":
        import timm
        model = timm.create_model(name, pretrained=False, num_classes=1000)
    else:
        import torchvision
        model = torchvision.models.get_model(name, weights=None, num_classes=1000)
    if randomize_batchnorm:
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.1, 0.1)
                    m.running_mean.normal_(0, 0.1)
                    m.running_var.uniform_(0.5, 2.0)
    model.eval()
    if deploy:
        from timm.utils.model import reparameterize_model
        model = reparameterize_model(model)
    return model


def engine(gpuengine, model, weights, x_path, y_path, device):
    cmd = [gpuengine, "run", "--model", model, "--input", x_path, "--output", y_path, "--force", "--runs", "0",
           "--device", device]
    if weights:
        cmd += ["--classes", "1000", "--weights", weights]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return None, (done.stderr or done.stdout).strip().splitlines()[-1:]
    return np.load(y_path).astype(np.float64), None


def relative_error(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gpuengine", required=True, help="path of the gpuengine command")
    p.add_argument("--work", required=True, help="scratch directory")
    p.add_argument("--device", default="cuda")
    p.add_argument("--tolerance", type=float, default=1e-3)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.manual_seed(0)
    convert = load_convert()
    rng = np.random.default_rng(0)
    results, failed = [], 0
    for case, source, name, deploy, zoo, size in CASES:
        stem = os.path.join(args.work, case.replace(" ", "_"))
        weights, onnx = stem + ".safetensors", stem + ".onnx"
        x = rng.standard_normal((2, 3, size, size)).astype(np.float32)
        x_path = stem + ".input.npy"
        np.save(x_path, x)
        row = {"case": case}
        try:
            source_model = fresh_model(source, name, deploy, randomize_batchnorm=True)
            convert.save_safetensors(source_model.state_dict(), weights)
            convert.save_onnx(source_model, onnx, f"1x3x{size}x{size}")
        except Exception as e:  # a failing converter is a result, not the end of the check
            row["error"] = f"convert.py: {type(e).__name__}: {e}"
            results.append(row)
            failed += 1
            print(json.dumps(row))
            continue
        model = fresh_model(source, name, deploy).double()
        missing, unexpected = model.load_state_dict(read_safetensors(weights), strict=False)
        row["state_dict_missing"] = [k for k in missing if not k.endswith("num_batches_tracked")]
        row["state_dict_unexpected"] = list(unexpected)
        with torch.inference_mode():
            reference = model(torch.from_numpy(x).double()).numpy()
        # The ONNX file was exported at batch 1, so it runs on the first sample only.
        x1_path = stem + ".input1.npy"
        np.save(x1_path, x[:1])
        for label, model_arg, weights_arg, input_path, expected in (
                ("safetensors", zoo, weights, x_path, reference),
                ("onnx", onnx, None, x1_path, reference[:1])):
            y, error = engine(args.gpuengine, model_arg, weights_arg, input_path, stem + f".{label}.out.npy", args.device)
            if y is None:
                row[label] = {"error": error}
                failed += 1
                continue
            err = relative_error(y, expected)
            ok = err <= args.tolerance and y.shape == expected.shape
            failed += 0 if ok else 1
            row[label] = {"max_relative_error": err, "top1_agree": bool((y.argmax(1) == expected.argmax(1)).all()), "ok": ok}
        failed += 1 if row["state_dict_missing"] or row["state_dict_unexpected"] else 0
        results.append(row)
        print(json.dumps(row))
    with open(args.out, "w") as f:
        json.dump({"device": args.device, "tolerance": args.tolerance, "failed": failed, "cases": results}, f, indent=2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
