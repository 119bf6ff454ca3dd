"""Writes tests/fixtures/tiny-t5, the T5 contract bundle: tiny random weights in Flan-T5's layout (t5.py: gated-gelu,
untied lm_head, d_kv unequal to d_model / num_heads, more decoder than encoder blocks), in Optimum's file layout;
with --v1, tests/fixtures/tiny-t5-v1 in the original T5's (t5-small's): relu feed-forward, the output tied to the
shared embedding with the decoder's output scaled by d_model ** -0.5, as many decoder as encoder blocks, d_kv =
d_model / num_heads, T5Config's relative_attention_max_distance (128), and the config.json Optimum writes for
t5-small (save_pretrained: relu's keys, and no tie_word_embeddings, whose true is PretrainedConfig's default).

- tokenizer.json as Hugging Face's T5Converter lays one out: <pad> <unk> around </s> first (pad = 0, eos = 1,
  unk = 2), the SentencePiece pieces (the en/fr/hi Unigram model of tests/fixtures/spm, its precompiled charsmap
  the normalizer), then the sentinels <extra_id_N> counting down, all special added tokens; WhitespaceSplit then
  Metaspace cut words; sources are written `X </s>`.
- config.json / generation_config.json of model_type t5: decoder_start_token_id = pad = 0, eos = 1, and
  task_specific_params with T5's prefixes ("summarize: ", "translate English to French: ", ...). vocab_size is
  the tokenizer's rounded up to a multiple of 16, as T5's 32128 is its 32100: the padding ids' lm_head rows are
  zero, so that their logit 0 loses to the pieces' (the trained ones are as unlikely).
- encoder_model.onnx and decoder_model_merged.onnx (onnx_export.export_all, as for Marian).
- reference.json: greedy outputs of the PyTorch model (no cache) for random sources, which tests/families holds
  transformers.js's generate on the exported graphs to.

usage (from the repository root): /usr/bin/python3 models/training/tiny_t5.py [--v1]
"""
import argparse
import json
import os

import torch

from bundle_files import TRANSFORMERS_VERSION, bundle_sizes, write_json
from onnx_export import export_all
from t5 import T5, T5Size
from tiny_multilingual import MAX_LENGTH, REFERENCE_CASES, REPO, greedy_reference

SPECIALS = ["<pad>", "</s>", "<unk>"]
SENTINELS = 10
VOCAB_MULTIPLE = 16
TASKS = {
    "summarization": {"early_stopping": True, "length_penalty": 2.0, "max_length": 200, "min_length": 30,
                      "no_repeat_ngram_size": 3, "num_beams": 4, "prefix": "summarize: "},
    "translation_en_to_de": {"early_stopping": True, "max_length": 300, "num_beams": 4,
                             "prefix": "translate English to German: "},
    "translation_en_to_fr": {"early_stopping": True, "max_length": 300, "num_beams": 4,
                             "prefix": "translate English to French: "},
    "translation_en_to_ro": {"early_stopping": True, "max_length": 300, "num_beams": 4,
                             "prefix": "translate English to Romanian: "},
}


def tokenizer_json(spm_json):
    pieces = [p for p in spm_json["model"]["vocab"]
              if p[0] not in ("<unk>", "<s>", "</s>") and not p[0].startswith(">>")]
    sentinels = [f"<extra_id_{i}>" for i in range(SENTINELS - 1, -1, -1)]
    vocab = [[s, 0.0] for s in SPECIALS] + pieces + [[s, 0.0] for s in sentinels]
    special = set(SPECIALS) | set(sentinels)
    added = [{"id": i, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True}
             for i, (token, _) in enumerate(vocab) if token in special]
    eos = {"SpecialToken": {"id": "</s>", "type_id": 0}}
    precompiled = next(n for n in spm_json["normalizer"]["normalizers"] if n["type"] == "Precompiled")
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": precompiled,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"}, {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True}]},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, eos],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, eos, {"Sequence": {"id": "B", "type_id": 0}}, eos],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}},
        },
        "decoder": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True},
        "model": {"type": "Unigram", "unk_id": 2, "vocab": vocab},
    }, sentinels


def config_json(cfg, name):
    return {
        "_name_or_path": f"seq2seqservice-{name}", "architectures": ["T5ForConditionalGeneration"],
        "d_ff": cfg.d_ff, "d_kv": cfg.d_kv, "d_model": cfg.d_model, "decoder_start_token_id": cfg.pad_token_id,
        "dense_act_fn": "gelu_new" if cfg.feed_forward_proj == "gated-gelu" else "relu", "dropout_rate": 0.1, "eos_token_id": cfg.eos_token_id,
        "feed_forward_proj": cfg.feed_forward_proj, "initializer_factor": 1.0, "is_encoder_decoder": True,
        "is_gated_act": cfg.feed_forward_proj == "gated-gelu", "layer_norm_epsilon": cfg.layer_norm_epsilon,
        "model_type": "t5", "n_positions": 512, "num_decoder_layers": cfg.num_decoder_layers,
        "num_heads": cfg.num_heads, "num_layers": cfg.num_layers, "output_past": True,
        "pad_token_id": cfg.pad_token_id, "relative_attention_max_distance": cfg.relative_attention_max_distance,
        "relative_attention_num_buckets": cfg.relative_attention_num_buckets, "task_specific_params": TASKS,
        "tie_word_embeddings": cfg.tie_word_embeddings, "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION, "use_cache": True, "vocab_size": cfg.vocab_size,
    }


# T5Config's defaults, which are the original T5's.
V1_DEFAULTS = {"feed_forward_proj": "relu", "tie_word_embeddings": True, "relative_attention_max_distance": 128}


def v1_config_json(cfg, name):
    config = config_json(cfg, name)
    del config["tie_word_embeddings"]
    return config


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, help="default 26, with --v1 30")
    ap.add_argument("--std", type=float, default=0.6)
    ap.add_argument("--eos-scale", type=float, help="default 2.5, with --v1 5")
    ap.add_argument("--v1", action="store_true", help="the original T5's layout, into tests/fixtures/tiny-t5-v1")
    args = ap.parse_args()
    # Chosen so that some reference outputs end at eos early and some run to max_length.
    seed, eos_scale = args.seed or (30 if args.v1 else 26), args.eos_scale or (5.0 if args.v1 else 2.5)
    name = "tiny-t5-v1" if args.v1 else "tiny-t5"
    out = os.path.join(REPO, "tests", "fixtures", name)
    with open(os.path.join(REPO, "tests", "fixtures", "spm", "unigram.tokenizer.json"), encoding="utf-8") as f:
        tokenizer, sentinels = tokenizer_json(json.load(f))
    pieces = len(tokenizer["model"]["vocab"])
    vocab_size = -(-pieces // VOCAB_MULTIPLE) * VOCAB_MULTIPLE
    cfg = (T5Size(vocab_size=vocab_size, num_heads=4, d_kv=8, num_decoder_layers=2, **V1_DEFAULTS) if args.v1
           else T5Size(vocab_size=vocab_size))
    model = T5(cfg)
    model.init_random(torch.Generator().manual_seed(seed), args.std)
    with torch.no_grad():
        # A wider eos row makes some outputs end before max_length (random rows alone never pick eos). Tied, the
        # row is eos's embedding too, and the padding rows are never an input.
        output = model.shared if args.v1 else model.lm_head
        output.weight[cfg.eos_token_id] *= eos_scale
        output.weight[pieces:] = 0
    model.eval()

    os.makedirs(out, exist_ok=True)
    paths = export_all(model, out)
    for role in ("decoder_model", "decoder_with_past_model"):
        os.remove(paths[role])
    write_json(os.path.join(out, "tokenizer.json"), tokenizer)
    write_json(os.path.join(out, "config.json"), (v1_config_json if args.v1 else config_json)(cfg, name))
    write_json(os.path.join(out, "generation_config.json"),
               {"decoder_start_token_id": cfg.pad_token_id, "eos_token_id": cfg.eos_token_id, "max_length": MAX_LENGTH,
                "pad_token_id": cfg.pad_token_id, "transformers_version": TRANSFORMERS_VERSION})
    write_json(os.path.join(out, "tokenizer_config.json"),
               {"additional_special_tokens": sentinels, "eos_token": "</s>", "extra_ids": SENTINELS,
                "model_max_length": 512, "pad_token": "<pad>", "tokenizer_class": "T5Tokenizer", "unk_token": "<unk>"})
    write_json(os.path.join(out, "special_tokens_map.json"),
               {"additional_special_tokens": sentinels, "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"})

    generator = torch.Generator().manual_seed(seed + 1)
    first_piece, last_piece = len(SPECIALS), pieces - SENTINELS
    cases = []
    for _ in range(REFERENCE_CASES):
        length = int(torch.randint(3, 30, (1,), generator=generator))
        source = torch.randint(first_piece, last_piece, (length,), generator=generator).tolist() + [cfg.eos_token_id]
        cases.append({"input_ids": source,
                      "output_ids": greedy_reference(model, source, [cfg.pad_token_id], cfg.eos_token_id)})
    write_json(os.path.join(out, "reference.json"), {"max_length": MAX_LENGTH, "cases": cases})
    print(json.dumps({"bundle": out, "vocab_size": cfg.vocab_size, "bytes": bundle_sizes(out),
                      "output_lengths": [len(c["output_ids"]) for c in cases]}, indent=1))


if __name__ == "__main__":
    main()
