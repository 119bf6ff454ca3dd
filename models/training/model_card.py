"""Writes the bundle's MODEL_CARD.md from the evaluation results (evaluate.py), the training log and the bundle."""
import argparse

from model_card_parts import (add_input_arguments, add_provenance_arguments, data_section, last_dev_loss,
                              quality_heading, read_inputs, samples_section, size_row, training_amount, write_card)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    add_input_arguments(ap)
    ap.add_argument("--hardware", required=True, help="e.g. '2-core AMD EPYC VM, CPU only'")
    add_provenance_arguments(ap)
    args = ap.parse_args()

    card = read_inputs(args.results, args.log, args.bundle)
    cfg, start, greedy, beam = card.cfg, card.start, card.greedy, card.beam

    text = f"""# marian-tatoeba-en-fr — a small English→French MarianMT model

Trained from scratch in this repository (`models/training/`) as Seq2SeqService's default model. It is a genuine
MarianMT model (the computation, config fields and parameter names of Hugging Face `MarianMTModel`) exported in
Hugging Face Optimum's ONNX layout: `encoder_model.onnx` and `decoder_model_merged.onnx` (float32, opset 14),
with MarianTokenizer's files and a `tokenizer.json`.

{data_section(card)}

## Architecture

| | |
|---|---|
| type | MarianMT (post-layer-norm Transformer, swish, embeddings scaled by sqrt(d_model), sinusoidal positions, shared tied embeddings, final_logits_bias) |
| layers | {cfg['encoder_layers']} encoder + {cfg['decoder_layers']} decoder |
| d_model / heads / FFN | {cfg['d_model']} / {cfg['encoder_attention_heads']} / {cfg['encoder_ffn_dim']} |
| vocabulary | {cfg['vocab_size']} shared SentencePiece unigram pieces (`</s>`=0, `<unk>`=1, `<pad>`={cfg['pad_token_id']} = decoder start) |
| max positions | {cfg['max_position_embeddings']} |
| trainable parameters | {start['params']:,} |
{size_row(card)}

## Training

Label smoothing 0.1, Adam (0.9, 0.98), peak learning rate {start['args']['lr']} after {start['args']['warmup']}
warmup steps, inverse-sqrt decay and a linear cool-down to 0 over the last 20 % of a {start['args']['minutes']:g}-minute
training-time budget; length-bucketed batches of at most {start['args']['max_tokens']} (rows × longest side)
tokens; dropout 0.1.
{training_amount(card)}
on {args.hardware} (PyTorch 1.13 with OpenBLAS, 2 threads), median {card.median_tps:,} tokens/s (the machine was
shared with other build jobs), {args.date}. Last dev loss (no smoothing): {last_dev_loss(card)}.

{quality_heading(card)}

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

{samples_section(card)}"""
    write_card(args.bundle, text)


if __name__ == "__main__":
    main()
