#!/usr/bin/env python3
"""Export timm / torchvision / official RepVGG weights to safetensors (and optionally ONNX) for GpuEngine.

Needs PyTorch and numpy (and timm or torchvision for those sources); GpuEngine itself does not.
The safetensors file keeps the state_dict names: GpuEngine maps timm's and the official names onto its zoo.
BatchNorm's num_batches_tracked counters are dropped (GpuEngine skips them anyway).
"""
import argparse
import inspect
import json
import os
import struct
import sys


def require_torch():
    """Imported here, not at the top, so that --help and the format code work (and are tested) without PyTorch."""
    try:
        import numpy  # noqa: F401  (Tensor.numpy() needs it; torch alone does not install it)
        import torch
    except ImportError as e:
        sys.exit(f"convert.py: {e.name} is missing: pip install torch numpy (and timm or torchvision for those sources)")
    return torch


def load(args):
    """Returns (module or None, state_dict)."""
    torch = require_torch()
    if args.source == "timm":
        import timm
        model = timm.create_model(args.name, pretrained=not args.random).eval()
        if args.deploy:
            try:
                from timm.utils.model import reparameterize_model
            except ImportError:
                sys.exit("convert.py: --deploy needs timm.utils.model.reparameterize_model (timm 0.9 or later)")
            model = reparameterize_model(model)
        return model, model.state_dict()
    if args.source == "torchvision":
        import torchvision
        weights = None if args.random else "DEFAULT"
        model = torchvision.models.get_model(args.name, weights=weights).eval()
        return model, model.state_dict()
    # A checkpoint file of the official RepVGG repository: a bare state_dict or one wrapped by the trainer.
    state = torch.load(args.name, map_location="cpu", weights_only=True)
    for key in ("model", "state_dict"):
        if isinstance(state, dict) and key in state and isinstance(state[key], dict):
            state = state[key]
    state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
    return None, state


def write_safetensors(stream, entries, metadata):
    """Writes the safetensors format: 8-byte little-endian header length, JSON header, data.

    entries: (name, dtype, shape, little-endian data bytes) in file order; dtype as safetensors spells it (F32, ...).
    """
    header, offset = {"__metadata__": metadata}, 0
    for name, dtype, shape, data in entries:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # data 8-byte aligned, as the reference writer does
    stream.write(struct.pack("<Q", len(text)))
    stream.write(text)
    for _, _, _, data in entries:
        stream.write(data)


def save_safetensors(state, path):
    """Writes every tensor but BatchNorm's counters as float32 (GpuEngine reads F16/BF16 too, but computes in float32)."""
    torch = require_torch()
    entries = [(name, "F32", tuple(t.shape), t.detach().to(torch.float32).contiguous().cpu().numpy().astype("<f4").tobytes())
               for name, t in state.items() if not name.endswith("num_batches_tracked")]
    metadata = {"format": "pt", "producer": "GpuEngine weights/convert.py"}
    with open(path, "wb") as f:
        write_safetensors(f, entries, metadata)
    print(f"wrote {path} ({len(entries)} tensors, {sum(len(e[3]) for e in entries):,} bytes of data)")


def save_onnx(model, path, shape):
    torch = require_torch()
    dims = [int(d) for d in shape.lower().split("x")]
    # Opset 13, fixed shapes, the TorchScript exporter: the ops GpuEngine imports (docs/model-files.md). PyTorch 2.9
    # made the dynamo exporter the default; older versions have no 'dynamo' argument at all.
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(model, torch.zeros(*dims), path, opset_version=13, input_names=["input"],
                      output_names=["output"], do_constant_folding=True, **legacy)
    print(f"wrote {path} (input {shape})")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", choices=["timm", "torchvision", "checkpoint"])
    p.add_argument("name", help="model name (timm/torchvision) or checkpoint path")
    p.add_argument("--out", required=True, help="output .safetensors")
    p.add_argument("--onnx", help="also export an ONNX model here (timm and torchvision sources)")
    p.add_argument("--input", default="1x3x224x224", help="ONNX input shape (default 1x3x224x224)")
    p.add_argument("--deploy", action="store_true", help="timm: re-parameterize RepVGG before saving")
    p.add_argument("--random", action="store_true", help="do not download pretrained weights")
    p.add_argument("--force", action="store_true", help="replace existing output files")
    args = p.parse_args(argv)
    # Refuse before any work, so that no output is left half made.
    if args.deploy and args.source != "timm":
        p.error("--deploy applies to the timm source (convert official checkpoints with the RepVGG repository's tool)")
    if args.onnx and args.source == "checkpoint":
        p.error("--onnx needs a model (timm or torchvision source), not a bare checkpoint")
    for path in filter(None, [args.out, args.onnx]):
        if os.path.exists(path) and not args.force:
            p.error(f"{path} exists; pass --force to replace it")
    return args


def main():
    args = parse_args()
    model, state = load(args)
    save_safetensors(state, args.out)
    if args.onnx:
        save_onnx(model, args.onnx, args.input)


if __name__ == "__main__":
    main()
