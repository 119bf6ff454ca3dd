"""Fine-tuning data for a bundle that must survive unsplit text (issue #23): the same train/dev/test split as
prep.py, encoded with the bundle's own SentencePiece model (so its vocabulary and ids are kept), and the training
set extended with

- multi-sentence examples: 2-4 training pairs joined into one source and one target, by a space or by a line
  break (the same break on both sides), so the model learns to go on after a sentence end;
- light noise on single pairs: the source's first letter lowercased, or its final punctuation dropped (the
  target keeps its own), as text the splitter cannot cut arrives.

Writes the folder train.py, evaluate.py and export.py read (data.pt, spm.model, vocab.json, train/dev/test.tsv).
"""
import argparse
import json
import os
import random
import shutil

import sentencepiece as spm
import torch

from prep import encode_pairs, write_tsv
from splits import dedupe, read_pairs, split_by_source

FINAL_PUNCTUATION = ".!?"


def noisy(en, rng):
    if rng.random() < 0.5 and en[:1].isupper():
        return en[0].lower() + en[1:]
    if en[-1:] in FINAL_PUNCTUATION:
        return en.rstrip(FINAL_PUNCTUATION).rstrip()
    return en


def joined(train, count, rng):
    out = []
    for _ in range(count):
        parts = [train[rng.randrange(len(train))] for _ in range(rng.choice((2, 3, 3, 4)))]
        sep = "\n" if rng.random() < 0.3 else " "
        out.append((sep.join(en for en, _ in parts), sep.join(fr for _, fr in parts)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tsv", required=True, help="tab-separated English<TAB>French pairs (prep.py's input)")
    ap.add_argument("--bundle", required=True, help="bundle whose source.spm and vocab.json are kept")
    ap.add_argument("--out", required=True, help="output folder (git-ignored work folder)")
    ap.add_argument("--joined", type=float, default=0.5, help="multi-sentence examples per training pair")
    ap.add_argument("--noise", type=float, default=0.15, help="share of single pairs with a noisy source")
    ap.add_argument("--n-dev", type=int, default=1000)
    ap.add_argument("--n-test", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1234, help="prep.py's split seed: the same held-out sentences")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    train, dev, test = split_by_source(dedupe(read_pairs(args.tsv)), args.n_dev, args.n_test, args.seed)
    for name, part in (("train", train), ("dev", dev), ("test", test)):
        write_tsv(os.path.join(args.out, f"{name}.tsv"), part)
    shutil.copyfile(os.path.join(args.bundle, "source.spm"), os.path.join(args.out, "spm.model"))
    shutil.copyfile(os.path.join(args.bundle, "vocab.json"), os.path.join(args.out, "vocab.json"))
    with open(os.path.join(args.bundle, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.out, "spm.model"))

    rng = random.Random(args.seed + 1)
    singles = [(noisy(en, rng), fr) if rng.random() < args.noise else (en, fr) for en, fr in train]
    multi = joined(train, int(len(train) * args.joined), rng)
    data = {"vocab_size": len(vocab), "pad_id": vocab["<pad>"], "eos_id": 0,
            "train": encode_pairs(sp, singles + multi, 0),
            "dev": encode_pairs(sp, dev, 0), "test": encode_pairs(sp, test, 0)}
    torch.save(data, os.path.join(args.out, "data.pt"))
    longest = max(len(s) for s in data["train"][0])
    print(json.dumps({"train_pairs": len(train), "noisy": sum(a != b for a, b in zip(singles, train)),
                      "joined": len(multi), "examples": len(singles) + len(multi),
                      "longest_source_tokens": longest,
                      "train_tokens_src_plus_tgt": sum(len(s) + len(t) for s, t in zip(*data["train"]))}))


if __name__ == "__main__":
    main()
