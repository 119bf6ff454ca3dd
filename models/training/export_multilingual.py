"""Export a multilingual run (prep_multilingual.py data, train.py --arch m2m100) as an NLLB-convention bundle in
Optimum's layout (encoder_model.onnx, decoder_model_merged.onnx and tiny_multilingual.py's config, generation
config and tokenizer files), after checking the ONNX graphs against PyTorch through ONNX Runtime, and write the
greedy reference the C# tests hold the engine to (tiny_multilingual.py's reference.json format).

Exits non-zero when any parity check fails.
"""
import argparse
import json
import os
import shutil
import sys

import sentencepiece as spm
import torch

from bundle_files import load_spm_proto, normalizer_json, write_json
from export import load_trained
from export_common import add_check_arguments, print_summary
from onnx_export import export_all
from parity import Report, check_greedy, check_join, check_tensors
from prep_multilingual import LANGUAGES, encoder
from splits import read_pairs
from tiny_multilingual import FAMILIES, greedy_reference, tokenizer_json, write_bundle_files

# Directions of the reference cases: the C# test checks that their forced targets are English and French.
REFERENCE_DIRECTIONS = (("en", "fr"), ("fr", "en"), ("hi", "en"))


def bundle_tokenizer(spm_path):
    """NllbTokenizer's layout over this spm model, whose piece ids it keeps (prep_multilingual.py)."""
    proto = load_spm_proto(spm_path)
    spm_json = {"normalizer": normalizer_json(proto), "model": {"vocab": [[p.piece, p.score] for p in proto.pieces]}}
    tokenizer, ids = tokenizer_json(spm_json, FAMILIES["nllb"]["languages"])
    assert all(ids[p.piece] == i for i, p in enumerate(proto.pieces)), "tokenizer ids differ from the spm ids"
    return tokenizer, ids


def direction_sources(data, split, source, target):
    """Distinct source sentences of one direction of a split, in file order."""
    other = target if source == "en" else source
    pairs = read_pairs(os.path.join(data, f"en-{other}.{split}.tsv"))
    return list(dict.fromkeys(en if source == "en" else x for en, x in pairs))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="prep_multilingual.py output folder")
    ap.add_argument("--run", required=True, help="training run folder (an unfinished run exports its checkpoint)")
    ap.add_argument("--average", type=int, default=1, help="average the last N snapshots of the run")
    ap.add_argument("--out", required=True, help="bundle folder to write")
    ap.add_argument("--reference", required=True, help="reference.json to write (greedy outputs of test sources)")
    ap.add_argument("--max-length", type=int, default=128, help="the bundle's max_length, start token counted")
    ap.add_argument("--n-reference", type=int, default=8, help="test sentences per reference direction")
    ap.add_argument("--num-beams", type=int, help="the bundle's default beam count (generation_config.json)")
    add_check_arguments(ap)
    args = ap.parse_args()
    torch.set_num_threads(1)

    model, source, info = load_trained(args.run, args.average)
    cfg = model.cfg
    spm_path = os.path.join(args.data, "spm.model")
    sp = spm.SentencePieceProcessor(model_file=spm_path)
    tokenizer, ids = bundle_tokenizer(spm_path)
    lang_ids = {lang: ids[code] for lang, code in LANGUAGES.items()}
    encode = encoder(sp, lang_ids)
    pad_id, eos_id = cfg.pad_token_id, cfg.eos_token_id

    onnx_dir = os.path.join(args.work, "onnx")
    shutil.rmtree(onnx_dir, ignore_errors=True)
    os.makedirs(onnx_dir)
    paths = export_all(model, onnx_dir)

    report = Report()
    dev_en = direction_sources(args.data, "dev", "en", "fr")
    batch = [encode(t, "en") for t in sorted(dev_en[:8], key=len)[::3][:3]]
    check_tensors(model, paths, args.ort, os.path.join(args.work, "tensors"), report, batch, pad_id, eos_id)
    check_join(model, paths, args.ort, os.path.join(args.work, "join"), report, batch, pad_id, eos_id)
    greedy_src, forced = [], []
    directions = [(s, t) for s in LANGUAGES for t in LANGUAGES if s != t]
    per_direction = max(1, args.n_greedy // len(directions))
    for s, t in directions:
        for text in direction_sources(args.data, "dev", s, t)[:per_direction]:
            greedy_src.append(encode(text, s))
            forced.append(lang_ids[t])
    check_greedy(model, paths, args.ort, os.path.join(args.work, "greedy"), report, greedy_src, eos_id, eos_id,
                 pad_id, args.max_length - 1, forced)
    report.print()
    if not report.ok():
        sys.exit(1)

    os.makedirs(args.out, exist_ok=True)
    for role in ("encoder_model", "decoder_model_merged"):
        shutil.copyfile(paths[role], os.path.join(args.out, f"{role}.onnx"))
    name = os.path.basename(os.path.normpath(args.out))
    write_bundle_files(args.out, cfg, FAMILIES["nllb"], name, tokenizer, args.max_length, args.num_beams)

    cases = []
    for s, t in REFERENCE_DIRECTIONS:
        for text in direction_sources(args.data, "test", s, t)[:args.n_reference]:
            source_ids = encode(text, s)
            output = greedy_reference(model, source_ids, [eos_id, lang_ids[t]], eos_id, args.max_length)
            cases.append({"source": text, "input_ids": source_ids, "forced_bos_token_id": lang_ids[t],
                          "output_ids": output, "text": sp.decode([i for i in output if i < lang_ids["en"]])})
    os.makedirs(os.path.dirname(os.path.abspath(args.reference)), exist_ok=True)
    write_json(args.reference, {"max_length": args.max_length, "cases": cases})
    print_summary(args.out, source, info)


if __name__ == "__main__":
    main()
