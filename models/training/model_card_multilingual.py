"""Writes the multilingual bundle's MODEL_CARD.md from evaluate_multilingual.py's results, the training log, the
prepared splits (prep_multilingual.py's TSV files) and the bundle."""
import argparse
import json
import os

import torch

from bundle_files import bundle_sizes
from evaluate_multilingual import DIRECTIONS
from metrics import corpus_chrf
from model_card_parts import DATA_CREDIT, add_provenance_arguments, read_log, table_rows, write_card
from splits import read_pairs

HINDI_CREDIT = ("Tatoeba English–Hindi sentence pairs from the same source and under the same license "
                "(ManyThings.org's `hin-eng` file of 2018-05-26, 2,867 pairs).")
NAMES = {"en": "English", "fr": "French", "hi": "Hindi"}


def merged_results(paths):
    """One results object: each direction's decodings from every file, directions in DIRECTIONS order."""
    merged = None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            res = json.load(f)
        if merged is None:
            merged = {**res, "directions": {}}
        for direction, entry in res["directions"].items():
            runs = merged["directions"].setdefault(direction, {**entry, "runs": {}})["runs"]
            runs.update(entry["runs"])
    merged["directions"] = {d: merged["directions"][d] for d in DIRECTIONS if d in merged["directions"]}
    return merged


def hindi_repeat(data):
    """How many times prep_multilingual.py repeated the en-hi training pairs (each pair gives two examples)."""
    examples = len(torch.load(os.path.join(data, "data.pt"))["train"][0])
    fr, hi = (len(read_pairs(os.path.join(data, f"en-{x}.train.tsv"))) for x in ("fr", "hi"))
    return (examples - 2 * fr) // (2 * hi)


def split_rows(data):
    rows = []
    for other in ("fr", "hi"):
        cells = []
        for name in ("train", "dev", "test"):
            pairs = read_pairs(os.path.join(data, f"en-{other}.{name}.tsv"))
            cells.append(f"{len(pairs):,} pairs ({len({en for en, _ in pairs}):,} English sentences)")
        rows.append(f"| en–{other} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def score_rows(results):
    rows = []
    for direction, entry in results["directions"].items():
        source, target = direction.split("-")
        runs = entry["runs"]
        cells = " | ".join(f"{runs[r]['bleu']:.2f} | {runs[r]['chrf']:.2f}" if r in runs else "– | –"
                           for r in ("greedy", "beam4"))
        rows.append(f"| {NAMES[source]}→{NAMES[target]} | {entry['sentences']:,} | {entry['references']:,} | {cells} |")
    return "\n".join(rows)


def sample_rows(results, n):
    """The n best and n worst test translations of each direction by sentence chrF against their references."""
    rows = []
    for entry in results["directions"].values():
        run = "beam4" if "beam4" in entry["runs"] else "greedy"
        hyps = entry["runs"][run]["hypotheses"]
        ranked = sorted(((corpus_chrf([h], [r]), s, h, r) for s, h, r in zip(entry["sources"], hyps, entry["refs"])),
                        key=lambda x: -x[0])
        rows += ranked[:n] + ranked[::-1][:n]
    return table_rows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", required=True, nargs="+",
                    help="evaluate_multilingual.py outputs of one run (e.g. greedy and beam search run apart)")
    ap.add_argument("--log", required=True, help="the run's train.log")
    ap.add_argument("--data", required=True, help="prep_multilingual.py output folder")
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--hardware", required=True)
    ap.add_argument("--prep-command", required=True)
    ap.add_argument("--train-command", required=True)
    add_provenance_arguments(ap)
    args = ap.parse_args()

    results = merged_results(args.results)
    with open(os.path.join(args.bundle, "config.json")) as f:
        cfg = json.load(f)
    events = read_log(args.log)
    start = [e for e in events if e["event"] == "start"][-1]
    devs = [e for e in events if e["event"] == "dev"]
    tps = sorted(e["tokens_per_s"] for e in events if e["event"] == "train")
    state, sizes = results["training_state"], bundle_sizes(args.bundle)
    train_args = start["args"]
    dev_losses = ", ".join(f"{d['dev_loss']} (step {d['step']:,})" for d in devs) or "none logged"

    text = f"""# m2m100-tatoeba-en-fr-hi — a small multilingual model: English, French, Hindi

Trained from scratch in this repository (`models/training/`) and served by default beside the Marian and recurrent
bundles. It is an M2M100 model (the architecture of M2M100 and NLLB-200: Hugging Face's
`M2M100ForConditionalGeneration`) with NLLB-200's conventions: the language codes `eng_Latn`, `fra_Latn`,
`hin_Deva` are tokens of the vocabulary, a source is written `src_lang X </s>`, the decoder starts from `</s>`
and the target's code is forced as the first token. It translates between any two of its languages; it learned
English↔French and English↔Hindi, so French↔Hindi is zero-shot and not evaluated. Exported in Hugging Face
Optimum's ONNX layout: `encoder_model.onnx` and `decoder_model_merged.onnx` (float32), `tokenizer.json` (NLLB's id
layout), `config.json`, `generation_config.json`, `tokenizer_config.json`, `special_tokens_map.json`.

## Data

{DATA_CREDIT} {HINDI_CREDIT}

Exact duplicates removed, then each file split by English sentence (no English sentence in two splits).
English–French uses `prep.py`'s split (same seed and sizes), so its test set is `marian-tatoeba-en-fr`'s.

| pair | train | dev | test |
|---|---|---|---|
{split_rows(args.data)}

Every training pair is used in both directions; the English–Hindi pairs are repeated
{hindi_repeat(args.data)} times (their text too, for the vocabulary), since 2.3k pairs beside 138k would
barely be seen. Vocabulary: one SentencePiece unigram model (nmt_nfkc, full character coverage) over the
training text of all three languages, NLLB's layout: `<s>`=0, `<pad>`=1, `</s>`=2, `<unk>`=3, pieces, then the
three language codes and `<mask>` ({cfg['vocab_size']:,} ids).

## Architecture

| | |
|---|---|
| type | M2M100 (pre-layer-norm Transformer with a final layer norm per stack, ReLU, embeddings scaled by sqrt(d_model), fairseq sinusoidal positions offset past the padding id, tied embeddings without logits bias) |
| layers | {cfg['encoder_layers']} encoder + {cfg['decoder_layers']} decoder |
| d_model / heads / FFN | {cfg['d_model']} / {cfg['encoder_attention_heads']} / {cfg['encoder_ffn_dim']} |
| max positions | {cfg['max_position_embeddings']} |
| trainable parameters | {start['params']:,} |
| bundle size | {sum(sizes.values()):,} bytes ({', '.join(f'{k} {v:,}' for k, v in sizes.items())}) |

## Training

Label smoothing {train_args['smoothing']}, dropout {cfg['dropout']}, Adam (0.9, 0.98), peak learning rate
{train_args['lr']} after {train_args['warmup']} warmup steps, inverse-sqrt decay and a linear cool-down to 0 over the
last 20 % of a {train_args['minutes']:g}-minute training-time budget; length-bucketed batches of at most
{train_args['max_tokens']} (rows × longest side) tokens, the four directions mixed. The forced language token is
fed to the decoder but left out of the loss.
Weights: {results['weights']}. {state['step']:,} steps, {state['tokens']:,} source+target tokens,
{state['train_seconds'] / 60:.0f} minutes of training on {args.hardware} (PyTorch 1.13 with OpenBLAS, 2 threads),
median {tps[len(tps) // 2] if tps else 0:,} tokens/s (the machine was shared with other jobs), {args.date}.
Dev loss (no smoothing, all four directions): {dev_losses}.

Commands:

```bash
{args.prep_command}
{args.train_command}
{args.export_command}
{args.eval_command}
```

The export's ONNX Runtime vs PyTorch checks all passed (every output on a padded batch with and without past,
separate and merged decoders, and greedy decoding with the forced target language in all six directions).

## Quality (test splits)

sacreBLEU-compatible scores from `models/training/metrics.py` (BLEU: 13a tokenization, exponential smoothing,
multi-reference; chrF: character 6-grams, beta 2), PyTorch reference decoding (beam 4 with length_penalty 1.0).
English sources are scored against all their translations; French and Hindi sources against all the English
sentences they translate.

| direction | sources | references | greedy BLEU | greedy chrF | beam 4 BLEU | beam 4 chrF |
|---|---|---|---|---|---|---|
{score_rows(results)}

English→French is scored on `marian-tatoeba-en-fr`'s test split: that bilingual model, trained longer on one
direction, scores far higher (its card). The Hindi figures come from 2,341 training pairs and a 300-sentence test
split: expect single common phrases at best; for anything else the Hindi directions are not usable.

## Sample translations (test splits; beam 4 where evaluated, else greedy)

Per direction, the best and the worst by sentence chrF:

| source | model | references |
|---|---|---|
{sample_rows(results, 3)}
"""
    write_card(args.bundle, text)


if __name__ == "__main__":
    main()
