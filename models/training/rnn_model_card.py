"""Writes the recurrent bundle's MODEL_CARD.md from its evaluation (evaluate.py), training log, bundle files,
the Transformer's model card (for the side-by-side scores) and the engine harness's speed tables."""
import argparse
import os
import re

from model_card_parts import (add_input_arguments, add_provenance_arguments, data_section, last_dev_loss,
                              quality_heading, read_inputs, samples_section, size_row, training_amount, write_card)


def transformer_scores(card_path):
    """(BLEU, chrF) per decoding from the Transformer's MODEL_CARD.md quality table."""
    with open(card_path, encoding="utf-8") as f:
        text = f.read()
    scores = {}
    for name, key in (("greedy", "greedy"), ("beam 4", "beam4")):
        m = re.search(rf"^\| {name}[^|]*\| ([\d.]+) \| ([\d.]+) \|$", text, re.M)
        scores[key] = (float(m.group(1)), float(m.group(2)))
    return scores


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    add_input_arguments(ap)
    ap.add_argument("--transformer", required=True, help="the default bundle's folder (its MODEL_CARD.md)")
    ap.add_argument("--speed", required=True, help="text file: the engine harness's output for both bundles")
    ap.add_argument("--speed-command", required=True)
    ap.add_argument("--hardware", required=True)
    add_provenance_arguments(ap)
    args = ap.parse_args()

    card = read_inputs(args.results, args.log, args.bundle)
    cfg, start, greedy, beam = card.cfg, card.start, card.greedy, card.beam
    with open(args.speed, encoding="utf-8") as f:
        speed = f.read().strip()
    tf = transformer_scores(os.path.join(args.transformer, "MODEL_CARD.md"))
    name = os.path.basename(os.path.normpath(args.bundle))
    tf_name = os.path.basename(os.path.normpath(args.transformer))

    text = f"""# {name} — a small English→French GRU encoder–decoder with attention

The recurrent counterpart of the default Transformer (`{tf_name}`), trained from scratch in this repository
(`models/training/rnn_model.py`, `train.py --arch gru`) on the same data and with the same SentencePiece
vocabulary, and served by the same generation engine through its recurrent runner. The ONNX layout and state
contract (`encoder_model.onnx`, the one-step `decoder_model.onnx`, `embedding.onnx_data` shared by both) are
documented in `docs/recurrent-model.md`.

{data_section(card, " — the Transformer's splits")}

## Architecture

| | |
|---|---|
| type | `{cfg['model_type']}`: bidirectional GRU encoder, GRU decoder, multiplicative ("general", Luong) attention on the decoder output, one embedding for source, target and output layer |
| encoder | {cfg['encoder_layers']} bidirectional GRU layers, {cfg['encoder_hidden_size']} units per direction |
| decoder | {cfg['decoder_layers']} GRU layer, {cfg['decoder_hidden_size']} units, initial state tanh(W · mean of the encoder states) |
| embedding | {cfg['embed_dim']} |
| vocabulary | {cfg['vocab_size']} shared SentencePiece unigram pieces (`</s>`=0, `<unk>`=1, `<pad>`={cfg['pad_token_id']} = decoder start), the default bundle's tokenizer files |
| max source tokens | {cfg['max_source_length']} (declared; the model has no position table) |
| trainable parameters | {start['params']:,} |
{size_row(card)}

## Training

Teacher forcing, label smoothing 0.1, Adam (0.9, 0.98), peak learning rate {start['args']['lr']} after
{start['args']['warmup']} warmup steps, inverse-sqrt decay and a linear cool-down to 0 over the last 20 % of a
{start['args']['minutes']:g}-minute training-time budget; length-bucketed batches of at most {start['args']['max_tokens']}
(rows × longest side) tokens; dropout {cfg['dropout']}; gradient norm clipped at 1.
{training_amount(card)}
on {args.hardware} (PyTorch 1.13 with OpenBLAS, 2 threads, nice 5), median {card.median_tps:,} tokens/s (the machine
was shared with seven other jobs), {args.date}. Last dev loss (no smoothing): {last_dev_loss(card)}.

{quality_heading(card)}

sacreBLEU-compatible scores computed by `models/training/metrics.py` (BLEU: 13a tokenization, exponential
smoothing, multi-reference; chrF: character 6-grams, beta 2), next to the Transformer's from its model card:

| decoding | {name} BLEU | chrF | {tf_name} BLEU | chrF |
|---|---|---|---|---|
| greedy | {greedy['bleu']:.2f} | {greedy['chrf']:.2f} | {tf['greedy'][0]:.2f} | {tf['greedy'][1]:.2f} |
| beam 4 (length_penalty 1.0) | {beam['bleu']:.2f} | {beam['chrf']:.2f} | {tf['beam4'][0]:.2f} | {tf['beam4'][1]:.2f} |

Command: `{args.eval_command}`

Bundle command: `{args.export_command}` (the export's ONNX Runtime vs PyTorch checks all passed: every encoder
and decoder-step output within 1e-4 on a padded batch, padded rows equal to rows alone, attention rows summing
to 1, and greedy decoding through the ONNX graphs identical to PyTorch's on 200 dev sentences).

The Transformer trained longer (110 minutes, 3.1 passes) on a less crowded machine; the comparison is of these
two bundles, not of the two architectures at equal compute.

## Speed (generation engine, ONNX Runtime on CPU)

{speed}

Command: `{args.speed_command}`

{samples_section(card)}"""
    write_card(args.bundle, text)


if __name__ == "__main__":
    main()
