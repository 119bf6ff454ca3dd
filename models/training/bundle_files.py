"""The non-ONNX files of a bundle: config.json and generation_config.json as transformers writes them for
MarianMT, MarianTokenizer's files (source.spm, target.spm, vocab.json, tokenizer_config.json,
special_tokens_map.json) and a tokenizers-library tokenizer.json (Unigram + Metaspace with the spm model's
precompiled normalization charsmap) for transformers.js and the C# tokenizer."""
import base64
import json
import shutil
import os

from sentencepiece import sentencepiece_model_pb2

TRANSFORMERS_VERSION = "4.46.0"


def bundle_sizes(folder):
    """Bytes per bundle file, by name, the model card left out (it is written from these)."""
    return {f: os.path.getsize(os.path.join(folder, f)) for f in sorted(os.listdir(folder)) if f != "MODEL_CARD.md"}


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


def config_json(cfg, max_length):
    pad, eos = cfg.pad_token_id, cfg.eos_token_id
    return {
        "_name_or_path": "seq2seqservice-marian",
        "activation_dropout": cfg.activation_dropout,
        "activation_function": "swish",
        "add_bias_logits": False,
        "add_final_layer_norm": False,
        "architectures": ["MarianMTModel"],
        "attention_dropout": cfg.attention_dropout,
        "bad_words_ids": [[pad]],
        "bos_token_id": eos,
        "classif_dropout": 0.0,
        "classifier_dropout": 0.0,
        "d_model": cfg.d_model,
        "decoder_attention_heads": cfg.decoder_attention_heads,
        "decoder_ffn_dim": cfg.decoder_ffn_dim,
        "decoder_layerdrop": 0.0,
        "decoder_layers": cfg.decoder_layers,
        "decoder_start_token_id": pad,
        "decoder_vocab_size": cfg.vocab_size,
        "dropout": cfg.dropout,
        "encoder_attention_heads": cfg.encoder_attention_heads,
        "encoder_ffn_dim": cfg.encoder_ffn_dim,
        "encoder_layerdrop": 0.0,
        "encoder_layers": cfg.encoder_layers,
        "eos_token_id": eos,
        # No forced eos at max length: the shared decoding spec has no such rule, so HF generate() and the
        # C# engine agree on this bundle.
        "forced_eos_token_id": None,
        "init_std": 0.02,
        "is_encoder_decoder": True,
        "max_length": max_length,
        "max_position_embeddings": cfg.max_position_embeddings,
        "model_type": "marian",
        "normalize_before": False,
        "normalize_embedding": False,
        "num_beams": 4,
        "num_hidden_layers": cfg.encoder_layers,
        "pad_token_id": pad,
        "scale_embedding": True,
        "share_encoder_decoder_embeddings": True,
        "static_position_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": cfg.vocab_size,
    }


def generation_config_json(cfg, max_length):
    pad, eos = cfg.pad_token_id, cfg.eos_token_id
    return {
        "bad_words_ids": [[pad]],
        "bos_token_id": eos,
        "decoder_start_token_id": pad,
        "eos_token_id": eos,
        "max_length": max_length,
        "num_beams": 4,
        "pad_token_id": pad,
        "renormalize_logits": True,
        "transformers_version": TRANSFORMERS_VERSION,
    }


def load_spm_proto(path):
    proto = sentencepiece_model_pb2.ModelProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return proto


def normalizer_json(proto):
    """The spm model's normalization as tokenizers writes it: its precompiled charsmap, then the whitespace rule."""
    norm = proto.normalizer_spec
    normalizers = []
    if norm.precompiled_charsmap:
        normalizers.append({"type": "Precompiled",
                            "precompiled_charsmap": base64.b64encode(norm.precompiled_charsmap).decode("ascii")})
    if norm.remove_extra_whitespaces:
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    return {"type": "Sequence", "normalizers": normalizers}


def tokenizer_json(proto, vocab):
    """tokenizers' serialization of the spm model. Ids follow vocab.json (the spm ids, plus <pad> last)."""
    pieces = [[p.piece, p.score] for p in proto.pieces]
    pad_id = vocab["<pad>"]
    assert len(pieces) == pad_id
    pieces.append(["<pad>", 0.0])
    special = lambda tid, content: {"id": tid, "content": content, "single_word": False, "lstrip": False,
                                    "rstrip": False, "normalized": False, "special": True}
    meta = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True, "prepend_scheme": "always",
            "split": True}
    eos = proto.pieces[vocab["</s>"]].piece
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(vocab["</s>"], "</s>"), special(vocab["<unk>"], "<unk>"), special(pad_id, "<pad>")],
        "normalizer": normalizer_json(proto),
        "pre_tokenizer": meta,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": eos, "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}}],
            "special_tokens": {eos: {"id": eos, "ids": [vocab["</s>"]], "tokens": [eos]}},
        },
        "decoder": meta,
        "model": {"type": "Unigram", "unk_id": vocab["<unk>"], "vocab": pieces, "byte_fallback": False},
    }


def write_bundle_files(out_dir, cfg, spm_path, vocab, max_length, source_lang="en", target_lang="fr"):
    shutil.copyfile(spm_path, os.path.join(out_dir, "source.spm"))
    shutil.copyfile(spm_path, os.path.join(out_dir, "target.spm"))
    write_json(os.path.join(out_dir, "vocab.json"), vocab)
    write_json(os.path.join(out_dir, "config.json"), config_json(cfg, max_length))
    write_json(os.path.join(out_dir, "generation_config.json"), generation_config_json(cfg, max_length))
    write_json(os.path.join(out_dir, "tokenizer_config.json"), {
        "eos_token": "</s>", "model_max_length": max_length, "pad_token": "<pad>", "separate_vocabs": False,
        "source_lang": source_lang, "sp_model_kwargs": {}, "target_lang": target_lang,
        "tokenizer_class": "MarianTokenizer", "unk_token": "<unk>"})
    write_json(os.path.join(out_dir, "special_tokens_map.json"),
               {"eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"})
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(load_spm_proto(spm_path), vocab), f, ensure_ascii=False)
