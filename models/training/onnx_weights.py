"""Recovers a MarianMT module from an exported bundle: the sizes from config.json and every parameter from the
ONNX initializers (the exports keep PyTorch's parameter names behind a `model.` prefix, and constant folding is
off, so each initializer is a parameter as trained). Used when the training run's checkpoint is not at hand."""
import json
import os
from dataclasses import fields

import onnx
import torch
from onnx import numpy_helper

from marian import MarianMT, MarianSize

PREFIX = "model."


def _initializers(path):
    graph = onnx.load(path).graph
    return {init.name: numpy_helper.to_array(init) for init in graph.initializer}


def load_bundle(bundle):
    """The module whose parameters are the bundle's encoder and decoder initializers; fails on anything missing,
    unexpected or inconsistent between the two files (the shared embedding is stored in both)."""
    with open(os.path.join(bundle, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    size = MarianSize(**{f.name: config[f.name] for f in fields(MarianSize) if f.name in config})
    model = MarianMT(size)
    found = {}
    for name in ("encoder_model", "decoder_model_merged", "decoder_model"):
        path = os.path.join(bundle, f"{name}.onnx")
        if not os.path.exists(path):
            continue
        for key, value in _initializers(path).items():
            if not key.startswith(PREFIX):
                continue
            key = key[len(PREFIX):]
            if key in found and not (found[key] == value).all():
                raise ValueError(f"{key} differs between the bundle's files")
            found[key] = value
    state = model.state_dict()
    # Encoder and decoder embeddings are the shared matrix under other names; the exports store it once.
    shared = state["model.shared.weight"].data_ptr()
    # A zero final_logits_bias is left out by fused_export.py; the module's own buffer is zeros already.
    missing = sorted(k for k in set(state) - set(found) if state[k].data_ptr() != shared and k != "final_logits_bias")
    unexpected = sorted(set(found) - set(state))
    if missing or unexpected:
        raise ValueError(f"bundle {bundle}: missing {missing}, unexpected {unexpected}")
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in found.items()}, strict=False)
    return model.eval()
