"""Data for the multilingual M2M100 bundle (NLLB conventions): English-French and English-Hindi Tatoeba pairs,
both directions of each, one shared SentencePiece vocabulary, NLLB's id layout.

Splits are by English sentence. English-French uses prep.py's split (same dedupe, sizes and seed), so its test
set is the Marian bundle's and the en->fr scores compare. English-Hindi is split the same way with its own sizes.

Ids (as NllbTokenizer lays them out; the spm model's own ids equal the model ids for every piece):
  0 <s>, 1 <pad>, 2 </s> (eos = decoder start), 3 <unk>, 4 .. S-1 pieces, S .. S+2 language codes, S+3 <mask>.
Sources are `src_lang X </s>`; targets `tgt_lang Y </s>`, the language code being what generation forces first.
"""
import argparse
import json
import os

import sentencepiece as spm
import torch

from prep import train_spm_lines, write_tsv
from splits import dedupe, read_pairs, split_by_source

LANGUAGES = {"en": "eng_Latn", "fr": "fra_Latn", "hi": "hin_Deva"}
SPECIAL_IDS = dict(bos_id=0, pad_id=1, eos_id=2, unk_id=3)


def encoder(sp, lang_ids):
    return lambda text, lang: [lang_ids[lang]] + sp.encode(text) + [SPECIAL_IDS["eos_id"]]


def both_directions(pairs, other, encode, repeat=1):
    src, tgt = [], []
    for en, x in pairs:
        for a, la, b, lb in ((en, "en", x, other), (x, other, en, "en")):
            src.append(encode(a, la))
            tgt.append(encode(b, lb))
    return src * repeat, tgt * repeat


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fr-tsv", required=True, help="English<TAB>French pairs")
    ap.add_argument("--hi-tsv", required=True, help="English<TAB>Hindi pairs")
    ap.add_argument("--out", required=True, help="output folder (git-ignored work folder)")
    ap.add_argument("--vocab-size", type=int, default=7500, help="total ids, language codes and <mask> included")
    ap.add_argument("--hi-dev", type=int, default=200, help="English sentences in the en-hi dev split")
    ap.add_argument("--hi-test", type=int, default=300, help="English sentences in the en-hi test split")
    ap.add_argument("--hi-repeat", type=int, default=8,
                    help="copies of the en-hi training pairs (and of their text for the vocabulary): 2.3k pairs "
                         "beside 138k en-fr ones would otherwise barely be seen")
    ap.add_argument("--seed", type=int, default=1234, help="prep.py's default, for the same en-fr split")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    splits, summary = {}, {}
    for lang, path, n_dev, n_test in (("fr", args.fr_tsv, 1000, 1000), ("hi", args.hi_tsv, args.hi_dev, args.hi_test)):
        pairs = dedupe(read_pairs(path))
        parts = dict(zip(("train", "dev", "test"), split_by_source(pairs, n_dev, n_test, args.seed)))
        for name, part in parts.items():
            write_tsv(os.path.join(args.out, f"en-{lang}.{name}.tsv"), part)
            summary[f"en-{lang}.{name}"] = {"pairs": len(part), "english": len({en for en, _ in part})}
        splits[lang] = parts

    spm_size = args.vocab_size - len(LANGUAGES) - 1
    lines = []
    for lang, repeat in (("fr", 1), ("hi", args.hi_repeat)):
        train = splits[lang]["train"]
        lines += ([en for en, _ in train] + [x for _, x in train]) * repeat
    prefix = os.path.join(args.out, "spm")
    train_spm_lines(lines, prefix, spm_size, "nmt_nfkc", **SPECIAL_IDS)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    lang_ids = {lang: spm_size + i for i, lang in enumerate(LANGUAGES)}
    encode = encoder(sp, lang_ids)

    data = {"vocab_size": args.vocab_size, "pad_id": SPECIAL_IDS["pad_id"], "eos_id": SPECIAL_IDS["eos_id"],
            "start_id": SPECIAL_IDS["eos_id"], "forced_first": True,
            "language_codes": {lang: [LANGUAGES[lang], lang_ids[lang]] for lang in LANGUAGES}}
    for name in ("train", "dev"):
        fr_src, fr_tgt = both_directions(splits["fr"][name], "fr", encode)
        hi_src, hi_tgt = both_directions(splits["hi"][name], "hi", encode, args.hi_repeat if name == "train" else 1)
        data[name] = (fr_src + hi_src, fr_tgt + hi_tgt)
    torch.save(data, os.path.join(args.out, "data.pt"))

    hi_text = [x for _, x in splits["hi"]["test"]]
    unk_share = sum(sp.encode(x).count(SPECIAL_IDS["unk_id"]) for x in hi_text) / max(1, len(hi_text))
    n_tok = sum(len(s) + len(t) for s, t in zip(*data["train"]))
    print(json.dumps({"splits": summary, "train_examples": len(data["train"][0]), "dev_examples": len(data["dev"][0]),
                      "train_tokens_src_plus_tgt": n_tok, "vocab_size": args.vocab_size,
                      "hindi_test_unk_per_sentence": round(unk_share, 4)}, indent=1))


if __name__ == "__main__":
    main()
