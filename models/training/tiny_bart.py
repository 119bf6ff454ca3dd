"""Writes tests/fixtures/tiny-bart: the BART contract bundle, tiny random weights in BART's architecture (bart.py)
with a byte-level BPE vocabulary learned here (bytelevel_bpe.py) from tests/fixtures/spm/lines.txt.

- tokenizer.json as Hugging Face's RobertaConverter lays out BART's: <s> <pad> </s> <unk>, the 256 byte characters,
  the merges' tokens, <mask>; the ByteLevel pre-tokenizer (no prefix space, GPT-2's split), the BPE model without an
  unknown token, the ByteLevel decoder and the RobertaProcessing post-processor (`<s> X </s>`). vocab.json and
  merges.txt hold the same vocabulary the way the slow BartTokenizer reads it, for bundles without tokenizer.json.
- config.json / generation_config.json of model_type bart: decoder_start_token_id = eos = 2, forced_bos_token_id = 0
  (<s>), forced_eos_token_id = 2 as BART's checkpoints set them; scale_embedding false, GELU.
- encoder_model.onnx and decoder_model_merged.onnx in Optimum's layout; reference.json as tiny_multilingual.py's.

usage (from the repository root): /usr/bin/python3 models/training/tiny_bart.py
"""
import argparse
import json
import os

import torch

from bart import Bart
from bundle_files import bundle_sizes, write_json
from bytelevel_bpe import byte_alphabet, learn
from m2m100 import M2M100Size
from tiny_multilingual import (MAX_LENGTH, REFERENCE_CASES, REPO, SPECIALS, config_json, generation_config_json,
                               greedy_reference, random_bundle)

FAMILY = dict(model_type="bart", architecture="BartForConditionalGeneration", activation="gelu",
              tokenizer_class="BartTokenizer")
MERGES = 1000
BOS = 0


def vocabulary(merges):
    tokens = SPECIALS + [c for _, c in sorted(byte_alphabet().items())]
    for left, right in merges:
        if left + right not in tokens:
            tokens.append(left + right)
    return {token: i for i, token in enumerate(tokens + ["<mask>"])}


def tokenizer_json(vocab, merges):
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": t == "<mask>", "rstrip": False,
              "normalized": t != "<mask>", "special": True} for t in SPECIALS + ["<mask>"]]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", vocab["</s>"]], "cls": ["<s>", vocab["<s>"]],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{left} {right}" for left, right in merges]},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=26)
    ap.add_argument("--std", type=float, default=0.6)
    args = ap.parse_args()
    out = os.path.join(REPO, "tests", "fixtures", "tiny-bart")
    with open(os.path.join(REPO, "tests", "fixtures", "spm", "lines.txt"), encoding="utf-8") as f:
        merges = learn(f.read().split("\n"), MERGES)
    vocab = vocabulary(merges)
    cfg = M2M100Size(vocab_size=len(vocab), activation_function=FAMILY["activation"])
    model = random_bundle(Bart(cfg), out, args.seed, args.std)
    write_json(os.path.join(out, "tokenizer.json"), tokenizer_json(vocab, merges))
    write_json(os.path.join(out, "vocab.json"), vocab)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{left} {right}\n" for left, right in merges))
    config = config_json(cfg, FAMILY, "tiny-bart")
    forced = {"forced_bos_token_id": BOS, "forced_eos_token_id": cfg.eos_token_id}
    config.update(scale_embedding=False, add_bias_logits=False, normalize_before=False, **forced)
    write_json(os.path.join(out, "config.json"), config)
    write_json(os.path.join(out, "generation_config.json"), {**generation_config_json(cfg), **forced})
    write_json(os.path.join(out, "tokenizer_config.json"),
               {"add_prefix_space": False, "bos_token": "<s>", "clean_up_tokenization_spaces": False, "cls_token": "<s>",
                "eos_token": "</s>", "mask_token": "<mask>", "model_max_length": 128, "pad_token": "<pad>",
                "sep_token": "</s>", "tokenizer_class": FAMILY["tokenizer_class"], "unk_token": "<unk>"})
    write_json(os.path.join(out, "special_tokens_map.json"),
               {"bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>", "mask_token": "<mask>",
                "pad_token": "<pad>", "sep_token": "</s>", "unk_token": "<unk>"})

    generator = torch.Generator().manual_seed(args.seed + 1)
    cases = []
    for _ in range(REFERENCE_CASES):
        length = int(torch.randint(3, 12, (1,), generator=generator))
        body = torch.randint(len(SPECIALS), vocab["<mask>"], (length,), generator=generator).tolist()
        source = [BOS] + body + [cfg.eos_token_id]
        cases.append({"input_ids": source, "forced_bos_token_id": BOS,
                      "output_ids": greedy_reference(model, source, [cfg.eos_token_id, BOS], cfg.eos_token_id,
                                                     forced_eos=cfg.eos_token_id)})
    write_json(os.path.join(out, "reference.json"), {"max_length": MAX_LENGTH, "cases": cases})
    print(json.dumps({"bundle": out, "vocab_size": cfg.vocab_size, "bytes": bundle_sizes(out)}, indent=1))


if __name__ == "__main__":
    main()
