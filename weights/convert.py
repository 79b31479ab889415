#!/usr/bin/env python3
"""Export timm / torchvision / official RepVGG weights to safetensors (and optionally ONNX) for GpuEngine.

Needs PyTorch (and timm or torchvision for those sources); GpuEngine itself does not.
The safetensors file keeps the state_dict names: GpuEngine maps timm's and the official names onto its zoo.
BatchNorm's num_batches_tracked counters are dropped (GpuEngine skips them anyway).
"""
import argparse
import json
import os
import struct
import sys

import torch


def load(args):
    """Returns (module or None, state_dict)."""
    if args.source == "timm":
        import timm
        model = timm.create_model(args.name, pretrained=not args.random).eval()
        if args.deploy:
            from timm.utils.model import reparameterize_model
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


def save_safetensors(state, path, force):
    """Writes the safetensors format directly (8-byte header length, JSON header, data), float32."""
    if os.path.exists(path) and not force:
        sys.exit(f"convert.py: {path} exists; pass --force to replace it")
    header, blobs, offset = {"__metadata__": {"format": "pt", "producer": "GpuEngine weights/convert.py"}}, [], 0
    for name, tensor in state.items():
        if name.endswith("num_batches_tracked"):
            continue
        data = tensor.detach().to(torch.float32).contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # data 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print(f"wrote {path} ({len(blobs)} tensors, {offset:,} bytes of data)")


def save_onnx(model, path, shape, force):
    if model is None:
        sys.exit("convert.py: --onnx needs a model (timm or torchvision source), not a bare checkpoint")
    if os.path.exists(path) and not force:
        sys.exit(f"convert.py: {path} exists; pass --force to replace it")
    dims = [int(d) for d in shape.lower().split("x")]
    # Opset 13, fixed shapes, TorchScript exporter: the ops GpuEngine imports (docs/model-files.md).
    torch.onnx.export(model, torch.zeros(*dims), path, opset_version=13, input_names=["input"],
                      output_names=["output"], do_constant_folding=True, dynamo=False)
    print(f"wrote {path} (input {shape})")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", choices=["timm", "torchvision", "checkpoint"])
    p.add_argument("name", help="model name (timm/torchvision) or checkpoint path")
    p.add_argument("--out", required=True, help="output .safetensors")
    p.add_argument("--onnx", help="also export an ONNX model here")
    p.add_argument("--input", default="1x3x224x224", help="ONNX input shape (default 1x3x224x224)")
    p.add_argument("--deploy", action="store_true", help="timm: re-parameterize RepVGG before saving")
    p.add_argument("--random", action="store_true", help="do not download pretrained weights")
    p.add_argument("--force", action="store_true", help="replace existing output files")
    args = p.parse_args()
    model, state = load(args)
    save_safetensors(state, args.out, args.force)
    if args.onnx:
        save_onnx(model, args.onnx, args.input, args.force)


if __name__ == "__main__":
    main()
