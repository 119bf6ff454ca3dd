"""Export the GRU attention model (rnn_model.py) to a recurrent ONNX bundle, check the graphs against PyTorch
through ONNX Runtime, and write the golden decoding files (attention included) for the C# tests.

The bundle's state contract is documented in docs/recurrent-model.md:
  encoder_model.onnx  input_ids, attention_mask [batch, src] int64
                      -> encoder_hidden_states [batch, src, 2 x encoder_hidden], encoder_keys [batch, src,
                         decoder_hidden], initial_state.0 [batch, decoder_hidden]
  decoder_model.onnx  input_ids [batch, 1] int64, encoder_attention_mask [batch, src] int64,
                      encoder_hidden_states, encoder_keys, state.0 [batch, decoder_hidden]
                      -> logits [batch, 1, vocab], present_state.0 [batch, decoder_hidden],
                         cross_attentions [batch, 1, src]
The token embedding both graphs use is stored once, as external data in embedding.onnx_data.

Exits non-zero when any parity check fails.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
import sentencepiece as spm
import torch
from onnx import external_data_helper, numpy_helper
from torch import nn

from bundle_files import generation_config_json, write_json
from decode import DecodeSettings, greedy, pad_batch
from export import load_trained
from export_common import GOLDEN_SETTINGS, EncoderGraph, add_check_arguments, golden, print_summary
from parity import Report, read_outputs, run_node, write_inputs
from prep import read_pairs
from rnn_model import GruAttention, GruSize

OPSET = 14
ARCHITECTURE = "gru-attention"
EMBEDDING_FILE = "embedding.onnx_data"
ONNX_FILES = ("encoder_model.onnx", "decoder_model.onnx", EMBEDDING_FILE)
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json",
                   "tokenizer.json")
ENCODER_OUTPUTS = ["encoder_hidden_states", "encoder_keys", "initial_state.0"]
DECODER_INPUTS = ["input_ids", "encoder_attention_mask", "encoder_hidden_states", "encoder_keys", "state.0"]
DECODER_OUTPUTS = ["logits", "present_state.0", "cross_attentions"]


class DecoderStepGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states, encoder_keys, state):
        return self.model.decode(input_ids, state, encoder_hidden_states, encoder_keys, encoder_attention_mask)


def share_embedding(model, paths, folder):
    """Moves the embedding matrix out of both graphs into one external-data file that both reference."""
    weight = model.embed.weight.detach().numpy().astype("<f4")
    raw = weight.tobytes()
    for path in paths:
        graph = onnx.load(path)
        hits = [t for t in graph.graph.initializer
                if tuple(t.dims) == weight.shape and np.array_equal(numpy_helper.to_array(t), weight)]
        if len(hits) != 1:
            raise RuntimeError(f"{path}: expected the embedding once among the initializers, found {len(hits)}")
        external_data_helper.set_external_data(hits[0], EMBEDDING_FILE, offset=0, length=len(raw))
        hits[0].ClearField("raw_data")
        onnx.save(graph, path)
    with open(os.path.join(folder, EMBEDDING_FILE), "wb") as f:
        f.write(raw)


def export_graphs(model, folder):
    os.makedirs(folder, exist_ok=True)
    paths = {name: os.path.join(folder, name) for name in ONNX_FILES[:2]}
    ids = torch.tensor([[5, 6, 7, 0], [8, 9, 0, model.cfg.pad_token_id]])
    mask = (ids != model.cfg.pad_token_id).long()
    src_axes = {0: "batch_size", 1: "encoder_sequence_length"}
    with torch.no_grad():
        states, keys, init = model.encode(ids, mask)
        torch.onnx.export(EncoderGraph(model).eval(), (ids, mask), paths["encoder_model.onnx"],
                          input_names=["input_ids", "attention_mask"], output_names=ENCODER_OUTPUTS,
                          dynamic_axes={"input_ids": src_axes, "attention_mask": src_axes,
                                        "encoder_hidden_states": src_axes, "encoder_keys": src_axes,
                                        "initial_state.0": {0: "batch_size"}},
                          opset_version=OPSET, do_constant_folding=False)
        step = torch.tensor([[model.cfg.pad_token_id], [3]])
        torch.onnx.export(DecoderStepGraph(model).eval(), (step, mask, states, keys, init), paths["decoder_model.onnx"],
                          input_names=DECODER_INPUTS, output_names=DECODER_OUTPUTS,
                          dynamic_axes={"input_ids": {0: "batch_size"}, "encoder_attention_mask": src_axes,
                                        "encoder_hidden_states": src_axes, "encoder_keys": src_axes,
                                        "state.0": {0: "batch_size"}, "logits": {0: "batch_size"},
                                        "present_state.0": {0: "batch_size"},
                                        "cross_attentions": {0: "batch_size", 2: "encoder_sequence_length"}},
                          opset_version=OPSET, do_constant_folding=False)
    share_embedding(model, paths.values(), folder)
    return paths


@torch.no_grad()
def check_tensors(model, paths, ort_package, work, report, sources):
    """Every output of both graphs on a padded batch, and each padded row against the row encoded alone."""
    cfg = model.cfg
    ids, mask = pad_batch(sources, cfg.pad_token_id)
    assert (mask == 0).any(), "the parity batch must contain padding"
    states, keys, init = model.encode(ids, mask)
    worst = 0.0
    for r, src in enumerate(sources):
        alone = model.encode(torch.tensor([src]), torch.ones(1, len(src), dtype=torch.long))
        for batched, single in zip((states, keys, init), alone):
            worst = max(worst, float((batched[r:r + 1, :len(src)] - single).abs().max()) if batched.dim() == 3
                        else float((batched[r] - single[0]).abs().max()))
    report.add("PyTorch encoder: padded rows == rows alone", f"max abs diff {worst:.2e}", worst <= 1e-5)
    gen = torch.Generator().manual_seed(0)
    step = torch.randint(2, cfg.vocab_size - 1, (len(sources), 1), generator=gen)
    state = torch.tanh(torch.randn(init.shape, generator=gen))
    logits, new_state, attn = model.decode(step, state, states, keys, mask)
    feeds = {"encoder": {"input_ids": ids, "attention_mask": mask},
             "decoder": dict(zip(DECODER_INPUTS, (step, mask, states, keys, state)))}
    files = {"encoder": "encoder_model.onnx", "decoder": "decoder_model.onnx"}
    tasks = [{"kind": "run", "model": paths[files[k]], "inputs": write_inputs(v, os.path.join(work, k)),
              "out_dir": os.path.join(work, k, "out")} for k, v in feeds.items()]
    run_node(ort_package, tasks, work)
    out = lambda k: read_outputs(os.path.join(work, k, "out"))
    report.compare("encoder (padded batch)", out("encoder"), dict(zip(ENCODER_OUTPUTS, (states, keys, init))),
                   ENCODER_OUTPUTS)
    report.compare("decoder step (padded batch)", out("decoder"),
                   dict(zip(DECODER_OUTPUTS, (logits, new_state, attn))), DECODER_OUTPUTS)
    sums = out("decoder")["cross_attentions"].sum(-1)
    report.add("attention rows sum to 1", f"max |sum - 1| {np.abs(sums - 1).max():.2e}",
               bool(np.abs(sums - 1).max() <= 1e-5))


def check_greedy(model, paths, ort_package, work, report, sources, max_new_tokens):
    cfg = model.cfg
    settings = DecodeSettings(max_new_tokens=max_new_tokens, bad_words_ids=[[cfg.pad_token_id]])
    expected = [greedy(model, [s], settings, cfg.pad_token_id, cfg.eos_token_id, cfg.pad_token_id)[0][0]
                for s in sources]
    task = {"kind": "greedy_recurrent", "encoder": paths["encoder_model.onnx"],
            "decoder": paths["decoder_model.onnx"], "sources": sources, "max_new_tokens": max_new_tokens,
            "start_id": cfg.pad_token_id, "eos_id": cfg.eos_token_id, "banned_ids": [cfg.pad_token_id],
            "out": os.path.join(work, "greedy.json")}
    run_node(ort_package, [task], work)
    with open(task["out"]) as f:
        got = json.load(f)["outputs"]
    same = sum(a == b for a, b in zip(got, expected))
    report.add("greedy through ONNX == PyTorch greedy", f"{same}/{len(sources)} sentences identical",
               same == len(sources))


def config_json(cfg, max_length):
    pad, eos = cfg.pad_token_id, cfg.eos_token_id
    return {
        "_name_or_path": "seq2seqservice-gru-attention",
        "architectures": ["GruAttentionModel"],
        "model_type": ARCHITECTURE,
        "attention_type": "luong-general",
        "bad_words_ids": [[pad]],
        "bos_token_id": eos,
        "decoder_hidden_size": cfg.decoder_hidden,
        "decoder_layers": 1,
        "decoder_start_token_id": pad,
        "dropout": cfg.dropout,
        "embed_dim": cfg.embed_dim,
        "encoder_bidirectional": True,
        "encoder_hidden_size": cfg.encoder_hidden,
        "encoder_layers": cfg.encoder_layers,
        "eos_token_id": eos,
        "is_encoder_decoder": True,
        "max_length": max_length,
        "max_source_length": cfg.max_position_embeddings,
        "pad_token_id": pad,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "vocab_size": cfg.vocab_size,
    }


def tiny_model(vocab_size, pad_id, eos_id, seed):
    """Random weights on the tiny Marian fixture's vocabulary; larger weights and an eos bias make outputs differ
    from input to input, a few of them ending with eos."""
    torch.manual_seed(seed)
    model = GruAttention(GruSize(vocab_size=vocab_size, embed_dim=16, encoder_hidden=16, encoder_layers=2,
                                 decoder_hidden=32, pad_token_id=pad_id, eos_token_id=eos_id))
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() > 1:
                p.normal_(0.0, 0.5)
        model.final_logits_bias[eos_id] = 3.0
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="prep.py output folder (dev/test TSV)")
    ap.add_argument("--tokenizer", required=True, help="bundle whose tokenizer files the new bundle uses")
    ap.add_argument("--run", help="training run folder (not needed with --tiny)")
    ap.add_argument("--tiny", action="store_true", help="tiny random-weight bundle for the C# tests")
    ap.add_argument("--out", required=True, help="bundle folder to write")
    ap.add_argument("--golden", required=True, help="folder for the golden decoding files")
    add_check_arguments(ap)
    args = ap.parse_args()
    # One thread: exports run beside training jobs on a 2-core machine.
    torch.set_num_threads(1)

    with open(os.path.join(args.tokenizer, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.tokenizer, "source.spm"))
    if args.tiny:
        model = tiny_model(len(vocab), vocab["<pad>"], vocab["</s>"], args.seed)
        source, max_new, info = f"random weights (seed {args.seed})", 20, {}
    else:
        model, source, info = load_trained(args.run, 1)
        max_new = model.cfg.max_position_embeddings - 1
    cfg = model.cfg
    assert cfg.vocab_size == len(vocab), "the tokenizer's vocabulary must be the model's"
    eos_id = cfg.eos_token_id
    print(f"model: {source}; parameters {sum(p.numel() for p in model.parameters() if p.requires_grad)}")

    onnx_dir = os.path.join(args.work, "onnx")
    shutil.rmtree(onnx_dir, ignore_errors=True)
    paths = export_graphs(model, onnx_dir)

    dev_src = list(dict.fromkeys(en for en, _ in read_pairs(os.path.join(args.data, "dev.tsv"))))
    report = Report()
    batch = [sp.encode(t) + [eos_id] for t in sorted(dev_src[:8], key=len)[::3][:3]]
    check_tensors(model, paths, args.ort, os.path.join(args.work, "tensors"), report, batch)
    check_greedy(model, paths, args.ort, os.path.join(args.work, "greedy"), report,
                 [sp.encode(t) + [eos_id] for t in dev_src[:args.n_greedy]], max_new)
    report.print()
    if not report.ok():
        sys.exit(1)

    os.makedirs(args.out, exist_ok=True)
    for name in ONNX_FILES:
        shutil.copyfile(os.path.join(onnx_dir, name), os.path.join(args.out, name))
    for name in TOKENIZER_FILES:
        if os.path.exists(os.path.join(args.tokenizer, name)):
            shutil.copyfile(os.path.join(args.tokenizer, name), os.path.join(args.out, name))
    write_json(os.path.join(args.out, "config.json"), config_json(cfg, cfg.max_position_embeddings))
    write_json(os.path.join(args.out, "generation_config.json"),
               generation_config_json(cfg, cfg.max_position_embeddings))

    bundle_name = os.path.basename(os.path.normpath(args.out))
    test_src = list(dict.fromkeys(en for en, _ in read_pairs(os.path.join(args.data, "test.tsv"))))
    os.makedirs(args.golden, exist_ok=True)
    for name, extra in GOLDEN_SETTINGS.items():
        settings = DecodeSettings(max_new_tokens=max_new, bad_words_ids=[[cfg.pad_token_id]], **extra)
        cases = golden(model, sp, test_src[:args.n_golden], settings, bundle_name, "repetition_penalty" not in extra)
        write_json(os.path.join(args.golden, f"{name}.json"), cases)
    print_summary(args.out, source, info)


if __name__ == "__main__":
    main()
