#!/usr/bin/env python3
"""The peer for issue #6's GPU table: PyTorch eager on the same GPU, random-initialized timm RepVGG-A0,
re-parameterized (deploy form), fp32 and fp16, at the batch sizes given. Timed with CUDA events around
each batch's forward pass after a warm-up; median, p90 and min over the runs, as GpuEngine's profiler reports.

Writes one JSON object per (precision, batch) to --out. Needs torch and timm (the GPU machine has both).
TF32 is switched off so "fp32" means fp32 for the peer as it does for the engine.
"""
import argparse
import json
import statistics

import torch


def create_model(name):
    import timm
    from timm.utils.model import reparameterize_model
    model = timm.create_model(name, pretrained=False, num_classes=1000).eval()
    return reparameterize_model(model)


def time_forward(model, batch, size, dtype, warmup, runs):
    x = torch.randn(batch, 3, size, size, device="cuda", dtype=dtype)
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        torch.cuda.synchronize()
        times = []
        for _ in range(runs):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            model(x)
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
    times.sort()
    return {"median_ms": statistics.median(times), "p90_ms": times[int(0.9 * (len(times) - 1))], "min_ms": times[0]}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="repvgg_a0", help="timm model name (default repvgg_a0)")
    p.add_argument("--batch", type=int, nargs="+", default=[1, 256])
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    import timm
    rows = []
    for precision, dtype in (("fp32", torch.float32), ("fp16", torch.float16)):
        model = create_model(args.model).to("cuda", dtype)
        for batch in args.batch:
            stats = time_forward(model, batch, args.size, dtype, args.warmup, args.runs)
            rows.append({"engine": f"PyTorch {torch.__version__} eager (timm {timm.__version__})", "model": args.model,
                         "precision": precision, "batch": batch, "input": f"{batch}x3x{args.size}x{args.size}",
                         "images_per_s": batch / (stats["median_ms"] / 1000), **stats})
            print(json.dumps(rows[-1]))
    with open(args.out, "w") as f:
        json.dump({"device": torch.cuda.get_device_name(0), "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
