"""Quality of a bundle's int8 graphs against its fp32 graphs, run through the C# engine itself
(tests/Seq2Seq.Benchmarks `translate` and `logits`): test-split BLEU/chrF, greedy and beam 4, the logits'
differences along the fp32 greedy outputs, and the graph sizes. Prints a Markdown table.

    /usr/bin/python3 models/training/compare_variants.py --bundle models/marian-tatoeba-en-fr \\
        --data models/training/work/data --work models/training/work/eval
"""
import argparse
import json
import os
import subprocess
import time

from evaluate import grouped
from metrics import corpus_bleu, corpus_chrf
from prep import read_pairs

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = ["dotnet", "run", "-c", "Release", "--project", os.path.join(ROOT, "tests", "Seq2Seq.Benchmarks"), "--"]


def harness(*args):
    return subprocess.run(HARNESS + list(args), check=True, capture_output=True, text=True).stdout.strip()


def graph_bytes(bundle, variant):
    suffix = "_quantized.onnx" if variant == "quantized" else ".onnx"
    folder = bundle if os.path.exists(os.path.join(bundle, "encoder_model" + suffix)) else os.path.join(bundle, "onnx")
    names = ["encoder_model", "decoder_model_merged", "decoder_model", "decoder_with_past_model"]
    return {n + suffix: os.path.getsize(os.path.join(folder, n + suffix)) for n in names
            if os.path.exists(os.path.join(folder, n + suffix))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--data", required=True, help="prep.py output folder (test.tsv)")
    ap.add_argument("--work", required=True, help="scratch folder for sources and translations")
    ap.add_argument("--split", default="test")
    ap.add_argument("--variants", nargs="+", default=["fp32", "quantized"])
    ap.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--logits-sources", type=int, default=200)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sources, refs = grouped(read_pairs(os.path.join(args.data, f"{args.split}.tsv")))
    src_file = os.path.join(args.work, f"{args.split}.src.txt")
    with open(src_file, "w", encoding="utf-8") as f:
        f.write("\n".join(sources) + "\n")
    bundle = os.path.abspath(args.bundle)
    results = {"bundle": args.bundle, "split": args.split, "sentences": len(sources),
               "references": sum(map(len, refs)), "runs": {}}
    print(f"{args.split} split: {len(sources)} sentences, {results['references']} references")
    print("| variant | decoding | BLEU | chrF | seconds |\n|---|---|---:|---:|---:|")
    for variant in args.variants:
        for beams in args.beams:
            out = os.path.join(args.work, f"{variant}.beam{beams}.txt")
            started = time.time()
            harness("translate", "--bundle", bundle, "--variant", variant, "--sources", src_file, "--out", out,
                    "--beams", str(beams))
            seconds = time.time() - started
            with open(out, encoding="utf-8") as f:
                hyps = f.read().split("\n")[:len(sources)]
            bleu, _ = corpus_bleu(hyps, refs)
            chrf = corpus_chrf(hyps, refs)
            name = "greedy" if beams == 1 else f"beam {beams}"
            results["runs"][f"{variant} {name}"] = {"bleu": round(bleu, 2), "chrf": round(chrf, 2)}
            print(f"| {variant} | {name} | {bleu:.2f} | {chrf:.2f} | {seconds:.0f} |", flush=True)
    for variant in args.variants[1:]:
        line = harness("logits", "--bundle", bundle, "--variant", args.variants[0], "--against-variant", variant,
                       "--sources", src_file, "--limit", str(args.logits_sources))
        results["logits " + variant] = line
        print(f"{variant} vs {args.variants[0]}: {line}")
    for variant in args.variants:
        sizes = graph_bytes(bundle, variant)
        results["bytes " + variant] = sizes
        print(f"{variant}: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    with open(os.path.join(args.work, "compare_variants.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
