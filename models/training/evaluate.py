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


def decode_ids(model, ids, settings, start_id, batch_size):
    """Output ids per source: greedy in batches of similar length, beam search one source at a time."""
    pad, eos = model.cfg.pad_token_id, model.cfg.eos_token_id
    outputs = [None] * len(ids)
    if settings.num_beams == 1:
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            for i, (out, _) in zip(chunk, greedy(model, [ids[i] for i in chunk], settings, start_id, eos, pad)):
                outputs[i] = out
    else:
        for i, src in enumerate(ids):
            outputs[i] = beam_search(model, src, settings, start_id, eos, pad)[0][0]
    return outputs


def decode_all(model, sp, sources, settings, cfg, batch_size):
    pad, eos = cfg.pad_token_id, cfg.eos_token_id
    outputs = decode_ids(model, [sp.encode(s) + [eos] for s in sources], settings, pad, batch_size)
    return [sp.decode([t for t in out if t < pad]) for out in outputs]


def scored(name, hyps, refs, seconds):
    """One decoding's results entry (printed as a JSON line too)."""
    bleu, details = corpus_bleu(hyps, refs)
    chrf = corpus_chrf(hyps, refs)
    print(json.dumps({"decoding": name, "bleu": round(bleu, 2), "chrf": round(chrf, 2), **details,
                      "seconds": round(seconds, 1)}), flush=True)
    return {"bleu": round(bleu, 2), "chrf": round(chrf, 2), "bleu_details": details, "seconds": round(seconds, 1),
            "hypotheses": hyps}


def parse_run_arguments(ap):
    """The options of a test-set evaluation after the script's own; sets torch's thread count."""
    ap.add_argument("--run", required=True, help="training run folder")
    ap.add_argument("--average", type=int, default=1, help="average the last N snapshots (as export.py)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--limit", type=int, default=0, help="first N source sentences (per direction) only")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", required=True, help="results JSON (scores and every translation)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    return args


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="prep.py output folder")
    args = parse_run_arguments(ap)
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
        name = "greedy" if beams == 1 else f"beam{beams}"
        results["runs"][name] = scored(name, hyps, refs, time.time() - t0)
    results["sources"], results["refs"] = sources, refs
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
