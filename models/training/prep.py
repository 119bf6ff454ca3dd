"""Data preparation: dedupe the TSV of (English, French) pairs, split dev/test by English sentence,
train one shared SentencePiece unigram model, and write the Marian vocabulary layout.

Vocabulary layout (ids are the same in the spm model, vocab.json and tokenizer.json):
  0 = </s> (eos), 1 = <unk>, 2 .. V-2 = spm pieces, V-1 = <pad> (= decoder start token).
Putting <pad> last follows opus-mt; keeping eos/unk at the spm ids 0/1 means `spm_encode --output_format=id`
gives model ids directly, which lets the C# tokenizer be checked against spm_encode.
"""
import argparse
import json
import os
import random

import sentencepiece as spm
import torch

from splits import dedupe, read_pairs, split_by_source  # noqa: F401 (read_pairs is imported from here by the others)


def write_tsv(path, pairs):
    with open(path, "w", encoding="utf-8") as f:
        for en, fr in pairs:
            f.write(f"{en}\t{fr}\n")


def train_spm(train_pairs, prefix, vocab_size, seed, max_sentences=0, normalization="nmt_nfkc"):
    lines = [en for en, _ in train_pairs] + [fr for _, fr in train_pairs]
    if max_sentences:
        random.Random(seed).shuffle(lines)
        lines = lines[:max_sentences]
    # The spm model holds every id except <pad>, which vocab.json appends as the last id.
    train_spm_lines(lines, prefix, vocab_size - 1, normalization, eos_id=0, unk_id=1, bos_id=-1, pad_id=-1)


def train_spm_lines(lines, prefix, spm_size, normalization, **special_ids):
    """A unigram model of spm_size pieces over every character of the text; special_ids places eos/unk/bos/pad."""
    text_path = prefix + ".train.txt"
    with open(text_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    spm.SentencePieceTrainer.train(
        input=text_path, model_prefix=prefix, model_type="unigram", vocab_size=spm_size, character_coverage=1.0,
        normalization_rule_name=normalization, num_threads=2,
        input_sentence_size=0, shuffle_input_sentence=True, minloglevel=1, **special_ids)
    os.remove(text_path)


def marian_vocab(sp):
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = sp.get_piece_size()
    return vocab


def encode_pairs(sp, pairs, eos_id):
    src = [sp.encode(en) + [eos_id] for en, _ in pairs]
    tgt = [sp.encode(fr) + [eos_id] for _, fr in pairs]
    return src, tgt


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tsv", required=True, help="tab-separated English<TAB>French pairs")
    ap.add_argument("--out", required=True, help="output folder (git-ignored work folder)")
    ap.add_argument("--vocab-size", type=int, default=7000, help="total ids including <pad>")
    ap.add_argument("--n-dev", type=int, default=1000, help="English sentences in dev")
    ap.add_argument("--n-test", type=int, default=1000, help="English sentences in test")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N pairs (smoke tests)")
    ap.add_argument("--spm-max-sentences", type=int, default=0, help="sample for spm training (0 = all)")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    pairs = read_pairs(args.tsv)
    n_raw = len(pairs)
    pairs = dedupe(pairs)
    if args.limit:
        random.Random(args.seed).shuffle(pairs)
        pairs = pairs[:args.limit]
    train, dev, test = split_by_source(pairs, args.n_dev, args.n_test, args.seed)
    for name, part in (("train", train), ("dev", dev), ("test", test)):
        write_tsv(os.path.join(args.out, f"{name}.tsv"), part)

    prefix = os.path.join(args.out, "spm")
    train_spm(train, prefix, args.vocab_size, args.seed, args.spm_max_sentences)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    assert sp.id_to_piece(0) == "</s>" and sp.id_to_piece(1) == "<unk>"
    vocab = marian_vocab(sp)
    with open(os.path.join(args.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=1)

    data = {"vocab_size": len(vocab), "pad_id": vocab["<pad>"], "eos_id": 0}
    for name, part in (("train", train), ("dev", dev), ("test", test)):
        data[name] = encode_pairs(sp, part, 0)
    torch.save(data, os.path.join(args.out, "data.pt"))

    n_tok = sum(len(s) + len(t) for s, t in zip(*data["train"]))
    print(json.dumps({"raw_pairs": n_raw, "unique_pairs": len(pairs), "train_pairs": len(train),
                      "dev_pairs": len(dev), "test_pairs": len(test),
                      "dev_sources": len({e for e, _ in dev}), "test_sources": len({e for e, _ in test}),
                      "vocab_size": len(vocab), "train_tokens_src_plus_tgt": n_tok}))


if __name__ == "__main__":
    main()
