"""Export a trained checkpoint (or the weights of an exported bundle, or a tiny random-weight model) to an Optimum-layout ONNX bundle, check the ONNX
files against PyTorch through ONNX Runtime, and write the golden decoding files for the C# tests.

Exits non-zero when any parity check fails.
"""
import argparse
import glob
import json
import os
import random
import re
import shutil
import sys

import sentencepiece as spm
import torch

from bundle_files import write_bundle_files, write_json
from decode import DecodeSettings
from export_common import GOLDEN_SETTINGS, add_check_arguments, golden, print_summary
from marian import MarianMT, MarianSize
import fused_export
import onnx_export
from onnx_weights import load_bundle
from parity import Report, check_greedy, check_join, check_tensors
from prep import marian_vocab, read_pairs, train_spm
from train import ARCHS

ONNX_FILES = {"merged": ["encoder_model", "decoder_model_merged"],
              "separate": ["encoder_model", "decoder_model", "decoder_with_past_model"]}




def load_trained(run, average):
    """Final weights of a run (either architecture); with average > 1, the mean of its last `average` snapshots."""
    ckpt = torch.load(os.path.join(run, "checkpoint.pt"))
    model_class, size_class = ARCHS[ckpt["args"].get("arch", "marian")]
    model = model_class(size_class(**ckpt["size"]))
    snaps = sorted(glob.glob(os.path.join(run, "model_step*.pt")),
                   key=lambda p: int(re.search(r"step(\d+)", p).group(1)))
    final = os.path.join(run, "model_final.pt")
    if average > 1 and len(snaps) >= 2:
        chosen = snaps[-average:]
        states = [torch.load(p) for p in chosen]
        state = {k: sum(s[k] for s in states) / len(states) for k in states[0]}
        source = f"average of {[os.path.basename(p) for p in chosen]}"
    elif os.path.exists(final):
        state, source = torch.load(final), "model_final.pt"
    else:
        state, source = ckpt["model"], f"checkpoint.pt (step {ckpt['state']['step']}, training not finished)"
    model.load_state_dict(state)
    return model.eval(), source, ckpt["state"]


def tiny_model(spm_dir, train_tsv, seed):
    """Random weights, a different shape and a different (tiny) vocabulary from the default bundle."""
    os.makedirs(spm_dir, exist_ok=True)
    pairs = read_pairs(train_tsv)
    random.Random(seed).shuffle(pairs)
    # Identity normalization keeps the fixture small (no 240 kB NFKC charsmap) and gives the C# tokenizer a
    # second normalizer configuration to handle.
    train_spm(pairs[:4000], os.path.join(spm_dir, "spm"), 400, seed, normalization="identity")
    sp = spm.SentencePieceProcessor(model_file=os.path.join(spm_dir, "spm.model"))
    vocab = marian_vocab(sp)
    torch.manual_seed(seed)
    cfg = MarianSize(vocab_size=len(vocab), d_model=32, encoder_layers=2, decoder_layers=2,
                     encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
                     max_position_embeddings=128, pad_token_id=vocab["<pad>"], eos_token_id=0)
    model = MarianMT(cfg)
    # An untrained tied-embedding model tends to repeat one token forever and never emit eos; larger weights
    # and an eos bias give outputs that differ from input to input, a few of them ending with eos.
    model.init_weights(std=0.5)
    with torch.no_grad():
        model.model.shared.weight.normal_(0.0, 0.3)
        model.model.shared.weight[cfg.pad_token_id].zero_()
        model.final_logits_bias[0, cfg.eos_token_id] = 4.0
    return model.eval(), os.path.join(spm_dir, "spm.model"), vocab


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="prep.py output folder (spm.model, vocab.json, dev/test TSV)")
    ap.add_argument("--run", help="training run folder (not needed with --tiny or --bundle)")
    ap.add_argument("--bundle", help="re-export the weights of this bundle's ONNX files (its tokenizer and layout)")
    ap.add_argument("--max-new-tokens", type=int, help="golden and parity limit (default: 20 with --tiny, else positions - 1)")
    ap.add_argument("--tiny", action="store_true", help="tiny random-weight bundle with the separate decoders")
    ap.add_argument("--average", type=int, default=1, help="average the last N snapshots of the run")
    ap.add_argument("--out", required=True, help="bundle folder to write")
    ap.add_argument("--golden", required=True, help="folder for greedy.json and beam4.json")
    ap.add_argument("--graphs", choices=("fused", "torch"), default="torch",
                    help="fused: graphs written by fused_export.py (ONNX Runtime contrib operators, issue #27); "
                         "torch: torch.onnx.export (onnx_export.py)")
    add_check_arguments(ap)
    args = ap.parse_args()
    # One thread: exports run beside the training job on a 2-core machine.
    torch.set_num_threads(1)

    if args.tiny:
        model, spm_path, vocab = tiny_model(os.path.join(args.work, "tiny_spm"),
                                            os.path.join(args.data, "train.tsv"), args.seed)
        source, layout, max_new, info = "random weights (seed %d)" % args.seed, "separate", 20, {}
    elif args.bundle:
        model, info = load_bundle(args.bundle), {}
        source = f"initializers of {args.bundle}"
        spm_path = os.path.join(args.work, "bundle.spm")
        os.makedirs(args.work, exist_ok=True)
        # Copied aside: the bundle may be the output folder, whose spm files are rewritten.
        shutil.copyfile(os.path.join(args.bundle, "source.spm"), spm_path)
        with open(os.path.join(args.bundle, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        separate = os.path.exists(os.path.join(args.bundle, "decoder_model.onnx"))
        layout, max_new = "separate" if separate else "merged", model.cfg.max_position_embeddings - 1
    else:
        model, source, info = load_trained(args.run, args.average)
        spm_path = os.path.join(args.data, "spm.model")
        with open(os.path.join(args.data, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        layout, max_new = "merged", model.cfg.max_position_embeddings - 1
    max_new = args.max_new_tokens or max_new
    cfg = model.cfg
    pad_id, eos_id = cfg.pad_token_id, cfg.eos_token_id
    sp = spm.SentencePieceProcessor(model_file=spm_path)
    print(f"model: {source}; parameters {sum(p.numel() for p in model.parameters() if p.requires_grad)}")

    onnx_dir = os.path.join(args.work, "onnx")
    shutil.rmtree(onnx_dir, ignore_errors=True)
    os.makedirs(onnx_dir)
    paths = (fused_export if args.graphs == "fused" else onnx_export).export_all(model, onnx_dir)

    fits = lambda text: len(sp.encode(text)) < cfg.max_position_embeddings
    dev = read_pairs(os.path.join(args.data, "dev.tsv"))
    dev_src = [t for t in dict.fromkeys(en for en, _ in dev) if fits(t)]
    report = Report()
    batch = [sp.encode(t) + [eos_id] for t in sorted(dev_src[:8], key=len)[::3][:3]]
    check_tensors(model, paths, args.ort, os.path.join(args.work, "tensors"), report, batch, pad_id, pad_id)
    check_join(model, paths, args.ort, os.path.join(args.work, "join"), report, batch, pad_id, pad_id)
    greedy_src = [sp.encode(t) + [eos_id] for t in dev_src[:args.n_greedy]]
    check_greedy(model, paths, args.ort, os.path.join(args.work, "greedy"), report, greedy_src, pad_id, eos_id,
                 pad_id, max_new)
    report.print()
    if not report.ok():
        sys.exit(1)

    os.makedirs(args.out, exist_ok=True)
    for name in ONNX_FILES["merged"] + ONNX_FILES["separate"]:
        target = os.path.join(args.out, f"{name}.onnx")
        if name in ONNX_FILES[layout]:
            shutil.copyfile(paths[name], target)
        elif os.path.exists(target):
            os.remove(target)
    write_bundle_files(args.out, cfg, spm_path, vocab, cfg.max_position_embeddings)

    bundle_name = os.path.basename(os.path.normpath(args.out))
    test = read_pairs(os.path.join(args.data, "test.tsv"))
    test_src = [t for t in dict.fromkeys(en for en, _ in test) if fits(t)][:args.n_golden]
    os.makedirs(args.golden, exist_ok=True)
    for name, extra in GOLDEN_SETTINGS.items():
        settings = DecodeSettings(max_new_tokens=max_new, bad_words_ids=[[pad_id]], **extra)
        write_json(os.path.join(args.golden, f"{name}.json"),
                   golden(model, sp, test_src, settings, bundle_name))
    print_summary(args.out, source, info)


if __name__ == "__main__":
    main()
