"""Test-set BLEU and chrF (sacreBLEU-compatible, multi-reference) of a trained run, greedy and beam search,
decoded with the PyTorch reference (whose ONNX export export.py checks token for token)."""
import argparse
import json
import os
import time

import sentencepiece as spm
import torch

from decode import DecodeSettings, beam_search, greedy
from export import load_trained
from metrics import corpus_bleu, corpus_chrf
from prep import read_pairs


def grouped(pairs):
    refs = {}
    for en, fr in pairs:
        refs.setdefault(en, []).append(fr)
    return list(refs), [refs[s] for s in refs]


def decode_all(model, sp, sources, settings, cfg, batch_size):
    pad, eos = cfg.pad_token_id, cfg.eos_token_id
    ids = [sp.encode(s) + [eos] for s in sources]
    outputs = [None] * len(ids)
    if settings.num_beams == 1:
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            for i, (out, _) in zip(chunk, greedy(model, [ids[i] for i in chunk], settings, pad, eos, pad)):
                outputs[i] = out
    else:
        for i, src in enumerate(ids):
            outputs[i] = beam_search(model, src, settings, pad, eos, pad)[0][0]
    return [sp.decode([t for t in out if t < pad]) for out in outputs]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="prep.py output folder")
    ap.add_argument("--run", required=True, help="training run folder")
    ap.add_argument("--average", type=int, default=1, help="average the last N snapshots (as export.py)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--limit", type=int, default=0, help="first N source sentences only")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", required=True, help="results JSON (scores and every translation)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    model, source, state = load_trained(args.run, args.average)
    cfg = model.cfg
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.data, "spm.model"))
    sources, refs = grouped(read_pairs(os.path.join(args.data, f"{args.split}.tsv")))
    if args.limit:
        sources, refs = sources[:args.limit], refs[:args.limit]
    results = {"weights": source, "training_state": state, "split": args.split, "sentences": len(sources),
               "references": sum(map(len, refs)), "runs": {}}
    for beams in args.beams:
        settings = DecodeSettings(max_new_tokens=cfg.max_position_embeddings - 1, num_beams=beams,
                                  bad_words_ids=[[cfg.pad_token_id]])
        t0 = time.time()
        hyps = decode_all(model, sp, sources, settings, cfg, args.batch_size)
        bleu, details = corpus_bleu(hyps, refs)
        chrf = corpus_chrf(hyps, refs)
        name = "greedy" if beams == 1 else f"beam{beams}"
        results["runs"][name] = {"bleu": round(bleu, 2), "chrf": round(chrf, 2), "bleu_details": details,
                                 "seconds": round(time.time() - t0, 1), "hypotheses": hyps}
        print(json.dumps({"decoding": name, "bleu": round(bleu, 2), "chrf": round(chrf, 2), **details,
                          "seconds": round(time.time() - t0, 1)}), flush=True)
    results["sources"], results["refs"] = sources, refs
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
