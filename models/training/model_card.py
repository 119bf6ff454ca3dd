"""Writes the bundle's MODEL_CARD.md from the evaluation results (evaluate.py), the training log and the bundle."""
import argparse
import json
import os

from metrics import corpus_chrf

DATA_CREDIT = ("Tatoeba English–French sentence pairs as distributed by ManyThings.org "
               "(<https://www.manythings.org/anki/>), from the Tatoeba Project (<https://tatoeba.org>), "
               "licensed CC-BY 2.0 France (<https://creativecommons.org/licenses/by/2.0/fr/>). "
               "Sentences and translations are by Tatoeba's contributors.")


# Source+target tokens of one pass over the training split, as prep.py reports it.
TRAIN_TOKENS_PER_EPOCH = 2910613


def read_log(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("{"):
                events.append(json.loads(line))
    return events


def samples(results, run, n_good, n_bad):
    """Best and worst test translations by sentence chrF against their best reference."""
    hyps = results["runs"][run]["hypotheses"]
    scored = [(corpus_chrf([h], [r]), s, h, r) for s, h, r in zip(results["sources"], hyps, results["refs"])]
    ranked = sorted(scored, key=lambda x: -x[0])
    good = [x for x in ranked if x[0] >= 99.99][:n_good] or ranked[:n_good]
    return good, ranked[::-1][:n_bad]


def table_rows(rows):
    cell = lambda t: str(t).replace("|", "\\|")
    return "\n".join(f"| {cell(s)} | {cell(h)} | {cell(' / '.join(r))} |" for _, s, h, r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", required=True, help="evaluate.py output")
    ap.add_argument("--log", required=True, help="the run's train.log")
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--hardware", required=True, help="e.g. '2-core AMD EPYC VM, CPU only'")
    ap.add_argument("--date", required=True, help="when the run trained and was evaluated")
    ap.add_argument("--eval-command", required=True)
    ap.add_argument("--export-command", required=True)
    args = ap.parse_args()

    with open(args.results, encoding="utf-8") as f:
        res = json.load(f)
    with open(os.path.join(args.bundle, "config.json")) as f:
        cfg = json.load(f)
    events = read_log(args.log)
    # The last (re)start carries the budget in force at the end (a run can be extended on resume).
    start = [e for e in events if e["event"] == "start"][-1]
    trains = [e for e in events if e["event"] == "train"]
    devs = [e for e in events if e["event"] == "dev"]
    state = res["training_state"]
    params = start["params"]
    sizes = {f: os.path.getsize(os.path.join(args.bundle, f)) for f in sorted(os.listdir(args.bundle))
             if f != "MODEL_CARD.md"}
    tps = sorted(e["tokens_per_s"] for e in trains)
    median_tps = tps[len(tps) // 2] if tps else 0
    good, bad = samples(res, "beam4", 10, 10)
    greedy, beam = res["runs"]["greedy"], res["runs"]["beam4"]

    text = f"""# marian-tatoeba-en-fr — a small English→French MarianMT model

Trained from scratch in this repository (`models/training/`) as Seq2SeqService's default model. It is a genuine
MarianMT model (the computation, config fields and parameter names of Hugging Face `MarianMTModel`) exported in
Hugging Face Optimum's ONNX layout: `encoder_model.onnx` and `decoder_model_merged.onnx` (float32, opset 14),
with MarianTokenizer's files and a `tokenizer.json`.

## Data

{DATA_CREDIT}

141,324 pairs, 141,319 after removing exact duplicates. Split by English sentence (no English sentence in two
splits): test 1,000 English sentences with all their translations ({res['references']:,} references, used as
multiple references), dev 1,000, training the remaining 138,434 pairs.

## Architecture

| | |
|---|---|
| type | MarianMT (post-layer-norm Transformer, swish, embeddings scaled by sqrt(d_model), sinusoidal positions, shared tied embeddings, final_logits_bias) |
| layers | {cfg['encoder_layers']} encoder + {cfg['decoder_layers']} decoder |
| d_model / heads / FFN | {cfg['d_model']} / {cfg['encoder_attention_heads']} / {cfg['encoder_ffn_dim']} |
| vocabulary | {cfg['vocab_size']} shared SentencePiece unigram pieces (`</s>`=0, `<unk>`=1, `<pad>`={cfg['pad_token_id']} = decoder start) |
| max positions | {cfg['max_position_embeddings']} |
| trainable parameters | {params:,} |
| bundle size | {sum(sizes.values()):,} bytes ({', '.join(f'{k} {v:,}' for k, v in sizes.items())}) |

## Training

Label smoothing 0.1, Adam (0.9, 0.98), peak learning rate {start['args']['lr']} after {start['args']['warmup']}
warmup steps, inverse-sqrt decay and a linear cool-down to 0 over the last 20 % of a {start['args']['minutes']:g}-minute
training-time budget; length-bucketed batches of at most {start['args']['max_tokens']} (rows × longest side)
tokens; dropout 0.1.
Weights: {res['weights']}. {state['step']:,} steps, {state['tokens']:,} source+target tokens
({state['tokens'] / TRAIN_TOKENS_PER_EPOCH:.1f} passes over the training data), {state['train_seconds'] / 60:.0f} minutes of training
on {args.hardware} (PyTorch 1.13 with OpenBLAS, 2 threads), median {median_tps:,} tokens/s (the machine was
shared with other build jobs), {args.date}. Last dev loss (no smoothing): {devs[-1]['dev_loss'] if devs else 'n/a'}.

## Quality (test split, {res['sentences']:,} sentences, {res['references']:,} references)

sacreBLEU-compatible scores computed by `models/training/metrics.py` (BLEU: 13a tokenization, exponential
smoothing, multi-reference; chrF: character 6-grams, beta 2):

| decoding | BLEU | chrF |
|---|---|---|
| greedy | {greedy['bleu']:.2f} | {greedy['chrf']:.2f} |
| beam 4 (length_penalty 1.0) | {beam['bleu']:.2f} | {beam['chrf']:.2f} |

Command: `{args.eval_command}`

Bundle command: `{args.export_command}` (the export's ONNX Runtime vs PyTorch checks all passed).

For comparison, the much larger opus-mt-en-fr reports 50.5 BLEU on its own Tatoeba test set (a different
split). This model is small and trained briefly: it handles short everyday sentences; expect errors on long
or unusual sentences, rare words, and names.

## Sample translations (beam 4, test split)

Good (exactly one of the references):

| English | model | references |
|---|---|---|
{table_rows(good)}

Bad (lowest sentence chrF):

| English | model | references |
|---|---|---|
{table_rows(bad)}
"""
    with open(os.path.join(args.bundle, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
