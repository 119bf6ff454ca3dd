"""Activation ranges for static int8 (quantize.py --activations RANGES): the float bundle, teacher-forced over
training pairs, records what enters every linear layer and the output projection.

With the ranges fixed in the graph, a row is quantized with the same scale whatever else is in its batch, so
int8 outputs stop depending on the batch (DynamicQuantizeMatMul takes one scale over the whole batch's tensor).
A range is the [q, 1 - q] quantiles of the values seen, widened to include 0; --quantile 0 takes min and max.
Pairs run one at a time, so padding never enters the ranges.

    /usr/bin/python3 models/training/calibrate.py --bundle models/marian-tatoeba-en-fr \\
        --pairs models/training/work/ft-data/train.tsv --out models/training/calibration/marian-tatoeba-en-fr.json

The JSON maps each weight's initializer name (as quantize.py sees it) to [low, high].
"""
import argparse
import json
import os
import random

import numpy as np
import sentencepiece as spm
import torch
from torch import nn

from onnx_weights import PREFIX, load_bundle
from prep import read_pairs


def collect(model, pairs, sp_source, sp_target, start):
    """Every input value of each linear layer (by weight initializer name) over the pairs, as float32 arrays."""
    seen = {}

    def record(key):
        def hook(_module, inputs):
            seen.setdefault(key, []).append(inputs[0].detach().reshape(-1).numpy().copy())
        return hook

    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            module.register_forward_pre_hook(record(f"{PREFIX}{name}.weight"))
    projection = f"{PREFIX}model.shared.weight"
    logits = model.logits
    model.logits = lambda h: (seen.setdefault(projection, []).append(h.detach().reshape(-1).numpy().copy()),
                              logits(h))[1]
    cfg = model.cfg
    with torch.no_grad():
        for source, target in pairs:
            ids = torch.tensor([sp_source.encode(source) + [cfg.eos_token_id]])
            decoder = torch.tensor([[start] + sp_target.encode(target)])
            if ids.shape[1] > cfg.max_position_embeddings or decoder.shape[1] > cfg.max_position_embeddings:
                continue
            model(ids, torch.ones_like(ids), decoder)
    return {k: np.concatenate(v) for k, v in seen.items()}


def ranges(values, quantile):
    out = {}
    for key, v in sorted(values.items()):
        lo, hi = (float(v.min()), float(v.max())) if quantile == 0 else \
            (float(np.quantile(v, quantile)), float(np.quantile(v, 1 - quantile)))
        out[key] = [min(lo, 0.0), max(hi, 0.0)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", required=True, help="folder with the float graphs")
    ap.add_argument("--pairs", required=True, help="tab-separated source/target pairs (the training split)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=2000, help="pairs drawn (seeded) from --pairs")
    ap.add_argument("--quantile", type=float, default=1e-5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = load_bundle(args.bundle)
    with open(os.path.join(args.bundle, "config.json"), encoding="utf-8") as f:
        start = json.load(f)["decoder_start_token_id"]
    pairs = read_pairs(args.pairs)
    random.Random(args.seed).shuffle(pairs)
    sp_source = spm.SentencePieceProcessor(model_file=os.path.join(args.bundle, "source.spm"))
    sp_target = spm.SentencePieceProcessor(model_file=os.path.join(args.bundle, "target.spm"))
    result = ranges(collect(model, pairs[:args.n], sp_source, sp_target, start), args.quantile)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"pairs": args.n, "quantile": args.quantile, "seed": args.seed, "ranges": result}, f, indent=1)
        f.write("\n")
    for key, (lo, hi) in result.items():
        print(f"{key}\t{lo:.4f}\t{hi:.4f}")


if __name__ == "__main__":
    main()
