# PyTorch side of dlm's comparison benchmark (bench/compare/pytorch.ts runs it in a subprocess).
# Same protocol as the TypeScript harness (bench/compare/protocol.ts): float32, Adam lr 1e-3,
# cross-entropy, training batch 64, inference batch 256, random data of the right shapes; the figure is
# the median samples/s of several windows after a warm-up; a call slower than a window gives a single
# one-call window unless shortening is off. One JSON object on stdout; progress on stderr.
#
# Usage: python3 torch_bench.py '{"window": 3, "windows": 3, "warmup": 3, "shorten": true,
#                                  "threads": 1, "workloads": ["mlp", "cnn"]}'

import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def build(name):
    if name == "mlp":
        return nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 10),
        ), (784,)
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
        nn.Linear(128, 10),
    ), (1, 28, 28)


def measure(fn, batch, window, windows, warmup, shorten):
    w0 = time.perf_counter()
    last = 0.0
    for _ in range(max(1, warmup)):
        t = time.perf_counter()
        fn()
        last = time.perf_counter() - t
        if time.perf_counter() - w0 >= window:
            break
    shortened = shorten and last >= window and windows > 1
    rates = []
    for _ in range(1 if shortened else windows):
        t0 = time.perf_counter()
        calls = 0
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= (0 if shortened else window):
                break
        rates.append(calls * batch / elapsed)
    return {"median": statistics.median(rates), "windows": rates, "shortened": shortened}


def blas_library():
    # Debian's torch links the generic libblas.so.3; which BLAS that is depends on update-alternatives
    # (the reference BLAS is 9-14x slower than OpenBLAS), so report the file it resolves to.
    path = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
    return os.path.realpath(path) if os.path.exists(path) else "unknown"


# The sequence workloads (bench/compare/sequence-workloads.ts): 32 sequences of 64 character ids over a
# 96-id vocabulary, cross-entropy at every position; figures are sequences/s.
SEQ_LENGTH, SEQ_VOCAB, SEQ_BATCH = 64, 96, 32


class CharLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(SEQ_VOCAB, 64)
        self.lstm = nn.LSTM(64, 128, batch_first=True)
        self.out = nn.Linear(128, SEQ_VOCAB)

    def forward(self, tokens):
        return self.out(self.lstm(self.embed(tokens))[0])


class CharTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(SEQ_VOCAB, 128)
        self.pos = nn.Parameter(torch.zeros(SEQ_LENGTH, 128))
        self.block = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.norm = nn.LayerNorm(128)
        self.out = nn.Linear(128, SEQ_VOCAB)
        self.register_buffer("mask", torch.triu(torch.full((SEQ_LENGTH, SEQ_LENGTH), float("-inf")), diagonal=1))

    def forward(self, tokens):
        h = self.embed(tokens) + self.pos
        return self.out(self.norm(self.block(h, src_mask=self.mask)))


def run_sequence(name, window, windows, warmup, shorten):
    model = CharLstm() if name == "lstm" else CharTransformer()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randint(0, SEQ_VOCAB, (SEQ_BATCH, SEQ_LENGTH))
    y = torch.randint(0, SEQ_VOCAB, (SEQ_BATCH, SEQ_LENGTH))

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x).reshape(-1, SEQ_VOCAB), y.reshape(-1))
        loss.backward()
        opt.step()

    def predict():
        with torch.inference_mode():
            model(x)

    out = []
    model.train()
    print(f"pytorch {name} train ...", file=sys.stderr, flush=True)
    out.append({"workload": name, "phase": "train", **measure(train_step, SEQ_BATCH, window, windows, warmup, shorten)})
    model.eval()
    print(f"pytorch {name} infer ...", file=sys.stderr, flush=True)
    out.append({"workload": name, "phase": "infer", **measure(predict, SEQ_BATCH, window, windows, warmup, shorten)})
    return out


def main():
    opts = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    window = float(opts.get("window", 3))
    windows = int(opts.get("windows", 3))
    warmup = int(opts.get("warmup", 3))
    shorten = bool(opts.get("shorten", True))
    threads = int(opts.get("threads", 1))
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    results = []
    for name in opts.get("workloads", ["mlp", "cnn"]):
        if name in ("lstm", "transformer"):
            results.extend(run_sequence(name, window, windows, warmup, shorten))
            continue
        model, shape = build(name)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.rand(64, *shape)
        y = torch.randint(0, 10, (64,))
        x_infer = torch.rand(256, *shape)

        def train_step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

        def predict():
            with torch.inference_mode():
                model(x_infer)

        model.train()
        print(f"pytorch {name} train ...", file=sys.stderr, flush=True)
        r = measure(train_step, 64, window, windows, warmup, shorten)
        results.append({"workload": name, "phase": "train", **r})
        model.eval()
        print(f"pytorch {name} infer ...", file=sys.stderr, flush=True)
        r = measure(predict, 256, window, windows, warmup, shorten)
        results.append({"workload": name, "phase": "infer", **r})

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "results": results,
    }))


if __name__ == "__main__":
    main()
