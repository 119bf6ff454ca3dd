"""Test-set BLEU and chrF of a multilingual run per direction (en->fr, fr->en, en->hi, hi->en), greedy and beam
search, decoded with the PyTorch reference as the bundle decodes: the source written `src_lang X </s>`, the decoder
started from </s> and the target language forced first (export_multilingual.py checks the ONNX graphs against it).

References are grouped by source sentence: English sources keep all their translations (as evaluate.py), French
and Hindi sources all the English sentences they translate.
"""
import argparse
import json
import os
import time

import sentencepiece as spm
import torch

from decode import DecodeSettings
from evaluate import decode_ids, grouped, parse_run_arguments, scored
from export import load_trained
from prep_multilingual import encoder
from splits import read_pairs

DIRECTIONS = ("en-fr", "fr-en", "en-hi", "hi-en")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="prep_multilingual.py output folder")
    ap.add_argument("--directions", nargs="+", default=list(DIRECTIONS), choices=DIRECTIONS)
    ap.add_argument("--max-new-tokens", type=int, default=127,
                    help="the bundle's max_length - 1: a degenerate repetition stops there, as it does when served")
    args = parse_run_arguments(ap)
    model, weights, state = load_trained(args.run, args.average)
    cfg = model.cfg
    data = torch.load(os.path.join(args.data, "data.pt"))
    lang_ids = {lang: token_id for lang, (_, token_id) in data["language_codes"].items()}
    first_special = min(lang_ids.values())
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.data, "spm.model"))
    encode = encoder(sp, lang_ids)

    results = {"weights": weights, "training_state": state, "split": args.split, "directions": {}}
    for direction in args.directions:
        source, target = direction.split("-")
        other = target if source == "en" else source
        pairs = read_pairs(os.path.join(args.data, f"en-{other}.{args.split}.tsv"))
        sources, refs = grouped(pairs if source == "en" else [(x, en) for en, x in pairs])
        if args.limit:
            sources, refs = sources[:args.limit], refs[:args.limit]
        ids = [encode(s, source) for s in sources]
        entry = {"sentences": len(sources), "references": sum(map(len, refs)), "runs": {}}
        for beams in args.beams:
            settings = DecodeSettings(max_new_tokens=args.max_new_tokens, num_beams=beams,
                                      bad_words_ids=[[cfg.pad_token_id]], forced_bos_token_id=lang_ids[target])
            t0 = time.time()
            outputs = decode_ids(model, ids, settings, cfg.eos_token_id, args.batch_size)
            hyps = [sp.decode([t for t in out if t < first_special]) for out in outputs]
            name = "greedy" if beams == 1 else f"beam{beams}"
            print(direction, end=" ", flush=True)
            entry["runs"][name] = scored(name, hyps, refs, time.time() - t0)
        entry["sources"], entry["refs"] = sources, refs
        results["directions"][direction] = entry
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
