"""Checks the ONNX files against PyTorch by running them in ONNX Runtime through node (ort_check.js)."""
import json
import os
import subprocess

import numpy as np
import onnx
import torch

from decode import DecodeSettings, greedy, pad_batch
from onnx_export import CROSS_ATTENTIONS, DECODER_MASK, KINDS, past_names, present_names

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float32: "float32", torch.int64: "int64", torch.bool: "bool"}
NP = {"float32": np.float32, "int64": np.int64, "bool": np.uint8}
TOLERANCE = 1e-4


def run_node(ort_package, tasks, work):
    os.makedirs(work, exist_ok=True)
    job = os.path.join(work, "job.json")
    with open(job, "w") as f:
        json.dump({"tasks": tasks}, f)
    subprocess.run(["node", os.path.join(HERE, "ort_check.js"), ort_package, job], check=True)


def write_inputs(feeds, folder):
    os.makedirs(folder, exist_ok=True)
    specs = {}
    for name, t in feeds.items():
        dtype = DTYPES[t.dtype]
        path = os.path.join(folder, f"in_{name}.bin")
        t.numpy().astype(NP[dtype]).tofile(path)
        specs[name] = {"dtype": dtype, "dims": list(t.shape), "file": path}
    return specs


def read_outputs(folder):
    with open(os.path.join(folder, "outputs.json")) as f:
        meta = json.load(f)
    return {name: np.fromfile(os.path.join(folder, f"{name}.bin"), dtype=NP[m["type"]]).reshape(m["dims"])
            for name, m in meta.items()}


class Report:
    def __init__(self):
        self.rows = []

    def compare(self, label, ort_out, torch_out, names):
        worst = 0.0
        for name in names:
            a, b = ort_out[name], torch_out[name].numpy()
            if a.shape != b.shape:
                self.rows.append((label, f"{name} shape {a.shape} != {b.shape}", False))
                return
            worst = max(worst, float(np.abs(a - b).max()) if a.size else 0.0)
        self.rows.append((label, f"max abs diff {worst:.2e} over {len(names)} outputs", worst <= TOLERANCE))

    def add(self, label, detail, ok):
        self.rows.append((label, detail, ok))

    def ok(self):
        return all(r[2] for r in self.rows)

    def print(self):
        for label, detail, ok in self.rows:
            print(f"[{'PASS' if ok else 'FAIL'}] {label}: {detail}")
        print("PARITY " + ("PASSED" if self.ok() else "FAILED"))


@torch.no_grad()
def torch_reference(model, ids, mask, dec_ids, next_ids):
    """Encoder output, the first decoder call, and a with-past call continuing it."""
    enc = model.encode(ids, mask)
    dec = model.model.decoder
    cross = dec.cross_kv(enc)
    h, selfkv, attention = dec(dec_ids, mask, cross, return_cross=True)
    first = {"logits": model.logits(h), CROSS_ATTENTIONS: attention}
    for i, ((sk, sv), (ck, cv)) in enumerate(zip(selfkv, cross)):
        first.update({f"present.{i}.decoder.key": sk, f"present.{i}.decoder.value": sv,
                      f"present.{i}.encoder.key": ck, f"present.{i}.encoder.value": cv})
    h2, selfkv2, attention2 = dec(next_ids, mask, cross, selfkv, return_cross=True)
    second = {"logits": model.logits(h2), CROSS_ATTENTIONS: attention2}
    for i, (sk, sv) in enumerate(selfkv2):
        second.update({f"present.{i}.decoder.key": sk, f"present.{i}.decoder.value": sv})
    return enc, first, second


def check_tensors(model, paths, ort_package, work, report, sources, pad_id, start_id):
    n = model.cfg.decoder_layers
    ids, mask = pad_batch(sources, pad_id)
    assert (mask == 0).any(), "the parity batch must contain padding"
    gen = torch.Generator().manual_seed(0)
    dec_ids = torch.cat([torch.full((len(sources), 1), start_id),
                         torch.randint(2, model.cfg.vocab_size - 1, (len(sources), 3), generator=gen)], dim=1)
    next_ids = torch.randint(2, model.cfg.vocab_size - 1, (len(sources), 1), generator=gen)
    enc, first, second = torch_reference(model, ids, mask, dec_ids, next_ids)
    past = {}
    for i in range(n):
        for k in KINDS:
            past[f"past_key_values.{i}.{k}"] = first[f"present.{i}.{k}"]
    empty = torch.zeros(len(sources), model.cfg.decoder_attention_heads, 0,
                        model.cfg.d_model // model.cfg.decoder_attention_heads)
    feeds = {
        "encoder": {"input_ids": ids, "attention_mask": mask},
        "decoder": {"encoder_attention_mask": mask, "input_ids": dec_ids, "encoder_hidden_states": enc},
        "decoder_with_past": {"encoder_attention_mask": mask, "input_ids": next_ids, **past},
        "merged_no_past": {"encoder_attention_mask": mask, "input_ids": dec_ids, "encoder_hidden_states": enc,
                           **{k: empty for k in past_names(n)},
                           "use_cache_branch": torch.tensor([False])},
        "merged_with_past": {"encoder_attention_mask": mask, "input_ids": next_ids,
                             "encoder_hidden_states": torch.zeros(len(sources), 0, model.cfg.d_model),
                             **past, "use_cache_branch": torch.tensor([True])},
    }
    files = {"encoder": "encoder_model", "decoder": "decoder_model", "decoder_with_past": "decoder_with_past_model",
             "merged_no_past": "decoder_model_merged", "merged_with_past": "decoder_model_merged"}
    tasks = [{"kind": "run", "model": paths[files[k]], "inputs": write_inputs(v, os.path.join(work, k)),
              "out_dir": os.path.join(work, k, "out")} for k, v in feeds.items() if files[k] in paths]
    run_node(ort_package, tasks, work)
    out = lambda k: read_outputs(os.path.join(work, k, "out"))
    report.compare("encoder (padded batch)", out("encoder"), {"last_hidden_state": enc}, ["last_hidden_state"])
    first_names = ["logits", CROSS_ATTENTIONS] + present_names(n)
    second_names = ["logits", CROSS_ATTENTIONS] + present_names(n, with_encoder=False)
    if "decoder_model" in paths:
        report.compare("decoder_model (no past)", out("decoder"), first, first_names)
        report.compare("decoder_with_past_model", out("decoder_with_past"), second, second_names)
    if "decoder_model_merged" in paths:
        report.compare("decoder_model_merged, use_cache_branch=false", out("merged_no_past"), first, first_names)
        report.compare("decoder_model_merged, use_cache_branch=true", out("merged_with_past"), second, second_names)


def mask_required_copy(path, out_path):
    """The same graph with decoder_attention_mask's default removed, so that it is a plain input:
    onnxruntime-node feeds only what a session lists as inputs and drops other feeds silently."""
    model = onnx.load(path)
    kept = [i for i in model.graph.initializer if i.name != DECODER_MASK]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    onnx.save(model, out_path)
    return out_path


@torch.no_grad()
def check_join(model, paths, ort_package, work, report, sources, pad_id, start_id):
    """A with-past step over rows whose pasts differ in length (as when rows join a running batch): row r has
    taken `longest - r` steps, its cache is left-padded with noise to the longest past and masked out. Each
    row's logits, cross-attention and real cache positions must equal the row run alone, unpadded."""
    n = model.cfg.decoder_layers
    ids, mask = pad_batch(sources, pad_id)
    rows = len(sources)
    longest = rows + 1
    gen = torch.Generator().manual_seed(1)
    dec_ids = torch.cat([torch.full((rows, 1), start_id),
                         torch.randint(2, model.cfg.vocab_size - 1, (rows, longest - 1), generator=gen)], dim=1)
    next_ids = torch.randint(2, model.cfg.vocab_size - 1, (rows, 1), generator=gen)
    dec = model.model.decoder
    cross = dec.cross_kv(model.encode(ids, mask))
    past = {name: [] for name in past_names(n)}
    expected = {name: [] for name in ["logits", CROSS_ATTENTIONS] + present_names(n, with_encoder=False)}
    self_mask = torch.zeros(rows, longest + 1, dtype=torch.long)
    for r in range(rows):
        steps = longest - r
        self_mask[r, longest - steps:] = 1
        row_cross = [(k[r:r + 1], v[r:r + 1]) for k, v in cross]
        _, selfkv = dec(dec_ids[r:r + 1, :steps], mask[r:r + 1], row_cross)
        h, selfkv2, attention = dec(next_ids[r:r + 1], mask[r:r + 1], row_cross, selfkv, return_cross=True)
        expected["logits"].append(model.logits(h))
        expected[CROSS_ATTENTIONS].append(attention)
        for i in range(n):
            for j, kind in enumerate(("key", "value")):
                noise = torch.randn(1, *selfkv[i][j].shape[1:2], longest - steps, selfkv[i][j].shape[3], generator=gen)
                past[f"past_key_values.{i}.decoder.{kind}"].append(torch.cat([noise, selfkv[i][j]], dim=2))
                expected[f"present.{i}.decoder.{kind}"].append(selfkv2[i][j])
                past[f"past_key_values.{i}.encoder.{kind}"].append(row_cross[i][j])
    past = {k: torch.cat(v) for k, v in past.items()}
    files = [(name, paths[name]) for name in ("decoder_with_past_model", "decoder_model_merged") if name in paths]
    tasks = []
    os.makedirs(work, exist_ok=True)
    for name, path in files:
        feeds = {"encoder_attention_mask": mask, "input_ids": next_ids, **past, DECODER_MASK: self_mask}
        if name == "decoder_model_merged":
            feeds["encoder_hidden_states"] = torch.zeros(rows, 0, model.cfg.d_model)
            feeds["use_cache_branch"] = torch.tensor([True])
        copy = mask_required_copy(path, os.path.join(work, f"{name}_mask_input.onnx"))
        tasks.append({"kind": "run", "model": copy, "inputs": write_inputs(feeds, os.path.join(work, name)),
                      "out_dir": os.path.join(work, name, "out")})
    run_node(ort_package, tasks, work)
    for name, _ in files:
        got = read_outputs(os.path.join(work, name, "out"))
        worst = 0.0
        for key, parts in expected.items():
            for r, want in enumerate(parts):
                have = got[key][r:r + 1]
                if key.startswith("present."):
                    have = have[:, :, have.shape[2] - want.shape[2]:]
                worst = max(worst, float(np.abs(have - want.numpy()).max()))
        report.add(f"{name}: rows with pasts of {longest}..2 positions, left-padded and masked",
                   f"max abs diff {worst:.2e} against each row alone", worst <= TOLERANCE)


def check_greedy(model, paths, ort_package, work, report, sources, start_id, eos_id, pad_id, max_new_tokens,
                 forced_ids=None):
    """ONNX greedy (node loop) vs PyTorch greedy, one source at a time on both sides; forced_ids: each source's
    forced first token (the target language of a multilingual model)."""
    forced = forced_ids or [None] * len(sources)
    expected = [greedy(model, [s], DecodeSettings(max_new_tokens=max_new_tokens, bad_words_ids=[[pad_id]],
                                                  forced_bos_token_id=f), start_id, eos_id, pad_id)[0][0]
                for s, f in zip(sources, forced)]
    cfg = model.cfg
    layouts = []
    if "decoder_model_merged" in paths:
        layouts.append(("merged", paths["decoder_model_merged"], None))
    if "decoder_model" in paths:
        layouts.append(("separate", paths["decoder_model"], paths["decoder_with_past_model"]))
    tasks = []
    for name, dec, dec_past in layouts:
        tasks.append({"kind": "greedy", "encoder": paths["encoder_model"], "decoder": dec,
                      "decoder_with_past": dec_past, "sources": sources, "max_new_tokens": max_new_tokens,
                      "start_id": start_id, "eos_id": eos_id, "banned_ids": [pad_id], "forced_ids": forced_ids,
                      "layers": cfg.decoder_layers, "heads": cfg.decoder_attention_heads,
                      "head_dim": cfg.d_model // cfg.decoder_attention_heads,
                      "out": os.path.join(work, f"greedy_{name}.json")})
    run_node(ort_package, tasks, work)
    for task, (name, _, _) in zip(tasks, layouts):
        with open(task["out"]) as f:
            got = json.load(f)["outputs"]
        same = sum(a == b for a, b in zip(got, expected))
        report.add(f"greedy through ONNX ({name} decoder) == PyTorch greedy",
                   f"{same}/{len(sources)} sentences identical", same == len(sources))
    return expected
