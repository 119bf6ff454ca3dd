"""Writes the multilingual contract bundles, tiny random weights in the published architectures:
tests/fixtures/tiny-nllb (M2M100 with NLLB's conventions), tiny-m2m100 (M2M100's own __en__ spelling),
tiny-mbart (mBART-50's) and tiny-mbart-cc25 (the first mBART's).

- tokenizer.json as Hugging Face's NllbConverter, MBart50Converter and MBartConverter lay one out: <s> <pad> </s>
  <unk> first, the SentencePiece pieces (here the en/fr/hi Unigram model of tests/fixtures/spm, its precompiled
  charsmap included), then the language codes (eng_Latn fra_Latn hin_Deva, __en__ __fr__ __hi__, or en_XX fr_XX
  hi_IN) and <mask>, all special added tokens; sources are written `eng_Latn X </s>` (`__en__ X </s>`,
  `en_XX X </s>`; mBART-cc25: `X </s> en_XX`) by the post-processor, whose language code the source's replaces per
  request. (M2M100's checkpoints ship a SentencePiece model and vocab.json, not a tokenizer.json; this is the file
  a conversion writes, in NLLB's layout with M2M100's spelling.)
- config.json / generation_config.json of model_type m2m_100 or mbart: decoder_start_token_id = eos = 2, pad = 1;
  the target language is the forced first token, chosen per request; mBART-cc25 starts the decoder from the
  target's token instead and forces nothing.
- encoder_model.onnx and decoder_model_merged.onnx in Optimum's layout (onnx_export.export_all, as for Marian).
- reference.json: greedy outputs of the PyTorch model (the whole prefix recomputed each step, no cache) for random
  sources (a language code, pieces, </s>) and forced targets, which tests/families holds transformers.js's
  generate on the exported graphs to: the graphs compute what the modeling code does.

usage (from the repository root): /usr/bin/python3 models/training/tiny_multilingual.py {nllb,m2m100,mbart,mbart-cc25}

With --vocab-size N --out DIR it writes the same bundle with a vocabulary of N instead (NLLB-200's is 256206), the
pieces made up to the size with filler pieces of Private Use Area characters, which no text contains, so tokenizing is
unchanged and only the vocabulary-sized work of a decoder step grows (docs/performance.md, "Large vocabularies"). DIR
belongs in a git-ignored folder such as models/training/work/: at NLLB-200's size the bundle is 77 MB.
"""
import argparse
import json
import os

import torch

from bundle_files import bundle_sizes, write_json
from m2m100 import M2M100, M2M100Size
from mbart import MBart
from onnx_export import export_all

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAMILIES = {
    "nllb": dict(model=M2M100, languages=["eng_Latn", "fra_Latn", "hin_Deva"], model_type="m2m_100",
                 architecture="M2M100ForConditionalGeneration", activation="relu", tokenizer_class="NllbTokenizer"),
    "m2m100": dict(model=M2M100, languages=["__en__", "__fr__", "__hi__"], model_type="m2m_100",
                   architecture="M2M100ForConditionalGeneration", activation="relu", tokenizer_class="M2M100Tokenizer"),
    "mbart": dict(model=MBart, languages=["en_XX", "fr_XX", "hi_IN"], model_type="mbart",
                  architecture="MBartForConditionalGeneration", activation="gelu", tokenizer_class="MBart50Tokenizer"),
    "mbart-cc25": dict(model=MBart, languages=["en_XX", "fr_XX", "hi_IN"], model_type="mbart",
                       architecture="MBartForConditionalGeneration", activation="gelu", tokenizer_class="MBartTokenizer",
                       language_after=True),
}
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
MAX_LENGTH = 24
REFERENCE_CASES = 6


def tokenizer_json(spm_json, languages, vocab_size=None, language_after=False):
    pieces = [p for p in spm_json["model"]["vocab"]
              if p[0] not in ("<unk>", "<s>", "</s>", "<pad>") and not p[0].startswith(">>")]
    if vocab_size is not None:
        pieces += filler_pieces(vocab_size - len(SPECIALS) - len(pieces) - len(languages) - 1)
    vocab = [[s, 0.0] for s in SPECIALS] + pieces + [[code, 0.0] for code in languages] + [["<mask>", 0.0]]
    added = [{"id": i, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True}
             for i, (token, _) in enumerate(vocab) if token in SPECIALS or token in languages or token == "<mask>"]
    ids = {token: i for i, (token, _) in enumerate(vocab)}
    special = lambda token: {"id": token, "ids": [ids[token]], "tokens": [token]}
    source = languages[0]
    language, text, eos = ({"SpecialToken": {"id": source, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "</s>", "type_id": 0}})
    pair_text = {"Sequence": {"id": "B", "type_id": 0}}
    single, pair = ([text, eos, language], [text, pair_text, eos, language]) if language_after \
        else ([language, text, eos], [language, text, pair_text, eos])
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": spm_json["normalizer"],
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": single,
            "pair": pair,
            "special_tokens": {source: special(source), "</s>": special("</s>")},
        },
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    }, ids


def filler_pieces(count):
    """Distinct two-character pieces from the Private Use Area (6,400 characters), least likely last."""
    if count < 0:
        raise SystemExit(f"--vocab-size is {-count} too small for the fixture's pieces and language codes")
    first, span = 0xE000, 6400
    return [[chr(first + i // span) + chr(first + i % span), -30.0 - i * 1e-4] for i in range(count)]


def config_json(cfg, family, name, max_length=MAX_LENGTH):
    return {
        "_name_or_path": f"seq2seqservice-{name}",
        "activation_dropout": 0.0, "activation_function": family["activation"],
        "architectures": [family["architecture"]],
        "attention_dropout": 0.0, "bos_token_id": 0, "d_model": cfg.d_model,
        "decoder_attention_heads": cfg.decoder_attention_heads, "decoder_ffn_dim": cfg.decoder_ffn_dim,
        "decoder_layerdrop": 0.0, "decoder_layers": cfg.decoder_layers, "decoder_start_token_id": cfg.eos_token_id,
        "dropout": cfg.dropout, "encoder_attention_heads": cfg.encoder_attention_heads, "encoder_ffn_dim": cfg.encoder_ffn_dim,
        "encoder_layerdrop": 0.0, "encoder_layers": cfg.encoder_layers, "eos_token_id": cfg.eos_token_id,
        "init_std": 0.02, "is_encoder_decoder": True, "max_length": max_length,
        "max_position_embeddings": cfg.max_position_embeddings, "model_type": family["model_type"],
        "num_hidden_layers": cfg.encoder_layers, "pad_token_id": cfg.pad_token_id, "scale_embedding": True,
        "tokenizer_class": family["tokenizer_class"], "torch_dtype": "float32", "transformers_version": "4.46.0",
        "use_cache": True, "vocab_size": cfg.vocab_size,
    }


def generation_config_json(cfg, max_length=MAX_LENGTH, num_beams=None):
    beams = {} if num_beams is None else {"num_beams": num_beams}
    return {"bos_token_id": 0, "decoder_start_token_id": cfg.eos_token_id, "eos_token_id": cfg.eos_token_id,
            "max_length": max_length, **beams, "pad_token_id": cfg.pad_token_id, "transformers_version": "4.46.0"}


def tokenizer_config_json(family):
    languages = family["languages"]
    return {"additional_special_tokens": languages, "bos_token": "<s>", "eos_token": "</s>", "mask_token": "<mask>",
            "model_max_length": 128, "pad_token": "<pad>", "src_lang": languages[0], "tgt_lang": languages[1],
            "tokenizer_class": family["tokenizer_class"], "unk_token": "<unk>"}


def write_bundle_files(out, cfg, family, name, tokenizer, max_length=MAX_LENGTH, num_beams=None):
    """Everything but the ONNX graphs."""
    languages = family["languages"]
    write_json(os.path.join(out, "tokenizer.json"), tokenizer)
    write_json(os.path.join(out, "config.json"), config_json(cfg, family, name, max_length))
    write_json(os.path.join(out, "generation_config.json"), generation_config_json(cfg, max_length, num_beams))
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config_json(family))
    write_json(os.path.join(out, "special_tokens_map.json"),
               {"additional_special_tokens": languages, "bos_token": "<s>", "eos_token": "</s>",
                "mask_token": "<mask>", "pad_token": "<pad>", "unk_token": "<unk>"})


def greedy_reference(model, source_ids, prefix, eos, max_length=MAX_LENGTH, forced_eos=None):
    """Hugging Face's greedy generate: the decoder starts from prefix (decoder_start_token_id, then the forced
    first token if any), and decoding stops at eos or max_length tokens (the start counted), the last of which is
    forced_eos when given. The whole prefix is recomputed each step, no cache."""
    src = torch.tensor([source_ids])
    mask = torch.ones_like(src)
    out = list(prefix)
    with torch.no_grad():
        while len(out) < max_length and out[-1] != eos:
            logits = model(src, mask, torch.tensor([out]))
            last = forced_eos is not None and len(out) == max_length - 1
            out.append(forced_eos if last else int(logits[0, -1].argmax()))
    return out[1:]


def random_bundle(model, out, seed, std):
    """Gives the model random weights and writes its encoder and merged decoder into out."""
    model.init_random(torch.Generator().manual_seed(seed), std)
    model.eval()
    os.makedirs(out, exist_ok=True)
    paths = export_all(model, out)
    for role in ("decoder_model", "decoder_with_past_model"):
        os.remove(paths[role])
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument("--seed", type=int, default=26)
    ap.add_argument("--std", type=float, default=0.6)
    ap.add_argument("--vocab-size", type=int, help="pad the vocabulary with filler pieces to this many ids")
    ap.add_argument("--out", help="the bundle's folder (default tests/fixtures/tiny-FAMILY)")
    args = ap.parse_args()
    if (args.vocab_size is None) != (args.out is None):
        ap.error("--vocab-size and --out go together: a resized bundle must not replace the contract fixture")
    family, name = FAMILIES[args.family], f"tiny-{args.family}"
    out = args.out or os.path.join(REPO, "tests", "fixtures", name)
    languages = family["languages"]
    with open(os.path.join(REPO, "tests", "fixtures", "spm", "unigram.tokenizer.json"), encoding="utf-8") as f:
        tokenizer, ids = tokenizer_json(json.load(f), languages, args.vocab_size, family.get("language_after", False))
    cfg = M2M100Size(vocab_size=len(tokenizer["model"]["vocab"]), activation_function=family["activation"])
    model = random_bundle(family["model"](cfg), out, args.seed, args.std)
    write_bundle_files(out, cfg, family, name, tokenizer)

    generator = torch.Generator().manual_seed(args.seed + 1)
    first_piece, last_piece = len(SPECIALS), ids[languages[0]]
    cases = []
    for i in range(REFERENCE_CASES):
        length = int(torch.randint(3, 12, (1,), generator=generator))
        body = torch.randint(first_piece, last_piece, (length,), generator=generator).tolist()
        language = ids[languages[i % len(languages)]]
        for target in languages[:2]:
            if family.get("language_after"):
                source = body + [cfg.eos_token_id, language]
                cases.append({"input_ids": source, "decoder_start_token_id": ids[target],
                              "output_ids": greedy_reference(model, source, [ids[target]], cfg.eos_token_id)})
            else:
                source = [language] + body + [cfg.eos_token_id]
                cases.append({"input_ids": source, "forced_bos_token_id": ids[target],
                              "output_ids": greedy_reference(model, source, [cfg.eos_token_id, ids[target]], cfg.eos_token_id)})
    write_json(os.path.join(out, "reference.json"), {"max_length": MAX_LENGTH, "cases": cases})
    print(json.dumps({"bundle": out, "vocab_size": cfg.vocab_size, "bytes": bundle_sizes(out)}, indent=1))


if __name__ == "__main__":
    main()
