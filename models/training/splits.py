"""Reading the Tatoeba TSV and splitting it by English sentence: plain Python, so that tools without PyTorch or
SentencePiece (tests/Seq2Seq.Benchmarks/quality/service_bleu.py) rebuild the same dev and test splits as prep.py."""
import random


def read_pairs(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                continue
            en, fr = cols[0].strip(), cols[1].strip()
            if en and fr:
                pairs.append((en, fr))
    return pairs


def dedupe(pairs):
    seen = set()
    out = []
    for p in pairs:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def split_by_source(pairs, n_dev, n_test, seed):
    """Every English sentence lands in exactly one split, with all of its French translations."""
    by_src = {}
    for en, fr in pairs:
        by_src.setdefault(en, []).append(fr)
    sources = sorted(by_src)
    random.Random(seed).shuffle(sources)
    dev_src, test_src = sources[:n_dev], sources[n_dev:n_dev + n_test]
    held_out = set(dev_src) | set(test_src)
    train = [(en, fr) for en, fr in pairs if en not in held_out]
    dev = [(en, fr) for en in dev_src for fr in by_src[en]]
    test = [(en, fr) for en in test_src for fr in by_src[en]]
    return train, dev, test
