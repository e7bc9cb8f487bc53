#!/usr/bin/python3
"""PyTorch reference for `whittle bench train`: the same DS-CNN-S trained on random data, samples/s.

A yardstick only, never part of Whittle's product path. It mirrors
libs/distill/src/models/ds-cnn.ts layer for layer (TF 'same' padding, Keras batch-norm
momentum and epsilon, dropout, glorot-uniform init) and the timing of
apps/workbench/src/commands/bench-train.ts: one warm-up epoch, then one timed epoch of
forward + backward + Adam over shuffled batches, reading loss and batch accuracy every step.
It prints the JSON keys `whittle bench train --json` prints, with "threads" for "workers".

Needs Debian's python3-torch (run it with /usr/bin/python3, not a pyenv/venv python):
    /usr/bin/python3 scripts/bench-pytorch.py --threads 2 --frames 98 --bins 20
"""

import argparse
import json
import math
import sys
import time

NUM_CLASSES = 12  # KWS_LABELS: silence, unknown and the ten target words


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="ds-cnn-s", choices=["ds-cnn-s"], help="architecture (default: ds-cnn-s)")
    p.add_argument("--frames", type=int, default=98, help="input frames (default: 98, the shipped front end)")
    p.add_argument("--bins", type=int, default=20, help="input mel bins (default: 20, the shipped front end)")
    p.add_argument("--batch-size", type=int, default=64, help="minibatch size (default: 64)")
    p.add_argument("--samples", type=int, default=1024, help="samples per epoch; one warm-up epoch, then one timed epoch (default: 1024)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default: 2)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    p.add_argument("--json", action="store_true", help="print the result as JSON (the keys of `whittle bench train --json`)")
    args = p.parse_args(argv)
    for name in ("frames", "bins", "batch_size", "samples", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be an integer >= 1; got {getattr(args, name)}")
    return args


def import_torch():
    try:
        import torch  # noqa: PLC0415 - imported late so --help works without it
    except ImportError:
        sys.stderr.write("python3-torch is not installed: apt-get install python3-torch\n")
        sys.stderr.write(f"  (this is {sys.executable}; Debian's package is importable from /usr/bin/python3)\n")
        sys.exit(1)
    return torch


def build_ds_cnn_s(torch, frames, bins, seed):
    nn = torch.nn
    F = torch.nn.functional

    class Conv2dSame(nn.Conv2d):
        """Conv2d with TensorFlow's 'same' padding: output = ceil(input / stride), and when the
        total padding is odd the extra row/column goes after (bottom/right), as TF does."""

        def forward(self, x):
            pads = []
            for size, k, s in ((x.shape[-1], self.kernel_size[1], self.stride[1]), (x.shape[-2], self.kernel_size[0], self.stride[0])):
                total = max((math.ceil(size / s) - 1) * s + k - size, 0)
                pads += [total // 2, total - total // 2]
            if any(pads):
                x = F.pad(x, pads)
            return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def bn(c):
        # Keras momentum 0.9 keeps 0.9 of the old statistic; PyTorch's momentum is the new one's weight.
        # Keras' epsilon is 1e-3 (PyTorch's default is 1e-5).
        return nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)

    channels = 64
    layers = [Conv2dSame(1, channels, kernel_size=(10, 4), stride=(2, 2), bias=False), bn(channels), nn.ReLU()]
    for _ in range(4):
        layers += [
            Conv2dSame(channels, channels, kernel_size=3, groups=channels, bias=False),  # depthwise 3x3
            bn(channels),
            nn.ReLU(),
            nn.Conv2d(channels, channels, kernel_size=1, bias=False),  # pointwise
            bn(channels),
            nn.ReLU(),
        ]

    class DsCnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(*layers)
            self.dropout = nn.Dropout(0.2)
            self.logits = nn.Linear(channels, NUM_CLASSES)

        def forward(self, x):  # x: [batch, frames, bins], the layout ASTFeatureExtractor emits
            x = self.features(x.unsqueeze(1))  # NCHW with H = frames, W = bins (tfjs: NHWC, C = 1)
            return self.logits(self.dropout(x.mean(dim=(2, 3))))

    torch.manual_seed(seed)
    model = DsCnn()
    for m in model.modules():  # Keras' default initialisers: glorot-uniform kernels, zero biases
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    with torch.no_grad():  # shape check: one forward pass on a single sample
        model.eval()
        assert model(torch.zeros(1, frames, bins)).shape == (1, NUM_CLASSES)
    return model


def train_epoch(torch, model, optimizer, x, y, batch_size):
    """One epoch over a shuffled order; returns seconds. Reads loss and hits each step like trainClassifier."""
    model.train()
    order = torch.randperm(x.shape[0])
    loss_sum, correct = 0.0, 0.0
    start = time.perf_counter()
    for s in range(0, x.shape[0], batch_size):
        rows = order[s : s + batch_size]
        xb, yb = x[rows], y[rows]
        optimizer.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = torch.nn.functional.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(rows)
        correct += (logits.argmax(-1) == yb).sum().item()
        if not math.isfinite(loss_sum):
            raise RuntimeError("training loss became non-finite")
    return time.perf_counter() - start


def main(argv):
    args = parse_args(argv)
    torch = import_torch()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = build_ds_cnn_s(torch, args.frames, args.bins, args.seed)
    # tf.train.adam's epsilon is the backend epsilon, 1e-7; 3e-3 is DEFAULT_TRAIN_CONFIG.learningRate.
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, eps=1e-7)
    x = torch.randn(args.samples, args.frames, args.bins)
    y = torch.randint(0, NUM_CLASSES, (args.samples,))
    sys.stderr.write(
        f"bench-pytorch: {args.model} on pytorch-cpu (torch {torch.__version__}, {args.threads} threads), "
        f"input [{args.frames}, {args.bins}], batch {args.batch_size}, {args.samples} samples x (1 warm-up + 1 timed) epoch\n"
    )
    train_epoch(torch, model, optimizer, x, y, args.batch_size)
    seconds = train_epoch(torch, model, optimizer, x, y, args.batch_size)
    result = {
        "model": args.model,
        "backend": "pytorch-cpu",
        "threads": args.threads,
        "inputShape": [args.frames, args.bins],
        "batchSize": args.batch_size,
        "samples": args.samples,
        "samplesPerSecond": args.samples / seconds,
        "torchVersion": torch.__version__,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"training {args.model} (pytorch-cpu, {args.threads} threads, input [{args.frames}, {args.bins}], "
            f"batch {args.batch_size}): {result['samplesPerSecond']:.1f} samples/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
