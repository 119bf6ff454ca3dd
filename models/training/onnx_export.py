"""Export MarianMT to ONNX in Hugging Face Optimum's layout: encoder_model.onnx, decoder_model.onnx,
decoder_with_past_model.onnx and decoder_model_merged.onnx (an `If` on `use_cache_branch` whose two branches
share one set of initializers). Tensor names and dynamic axis names follow Optimum's Marian export.

The decoders have two additions, both invisible to callers that only know Optimum's names:
- `decoder_attention_mask` [batch, past + new] (int64, 1 = real position, 0 = padding slot in the cache) is an
  overridable initializer whose default [[1]] broadcasts to "every position is real". ONNX Runtime lists it
  among the overridable initializers, not the inputs, so transformers.js and Optimum never feed it. A caller
  that does can batch rows whose pasts differ in length (a row joining a running batch gets its cache
  left-padded to the longest past); each new token's position is the count of real positions before it.
- output `cross_attentions` [batch, new, source_len]: the last decoder layer's cross-attention probabilities
  averaged over heads (for alignments), one row per new token."""
import hashlib
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from export_common import EncoderGraph

OPSET = 14
KINDS = ("decoder.key", "decoder.value", "encoder.key", "encoder.value")
DECODER_MASK = "decoder_attention_mask"
CROSS_ATTENTIONS = "cross_attentions"


def present_names(n_layers, with_encoder=True):
    kinds = KINDS if with_encoder else KINDS[:2]
    return [f"present.{i}.{k}" for i in range(n_layers) for k in kinds]


def past_names(n_layers):
    return [f"past_key_values.{i}.{k}" for i in range(n_layers) for k in KINDS]


class DecoderGraph(nn.Module):
    """First step: computes the encoder keys/values and returns them with the self-attention cache."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, encoder_attention_mask, input_ids, encoder_hidden_states, decoder_attention_mask):
        dec = self.model.model.decoder
        cross = dec.cross_kv(encoder_hidden_states)
        h, selfkv, attention = dec(input_ids, encoder_attention_mask, cross, None, decoder_attention_mask,
                                   return_cross=True)
        out = [self.model.logits(h)]
        for (sk, sv), (ck, cv) in zip(selfkv, cross):
            out += [sk, sv, ck, cv]
        return tuple(out + [attention])


class DecoderWithPastGraph(nn.Module):
    """Later steps: the encoder keys/values come from the cache, only the self-attention cache grows."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, encoder_attention_mask, input_ids, *past_and_mask):
        dec = self.model.model.decoder
        n = len(dec.layers)
        past, mask = past_and_mask[:-1], past_and_mask[-1]
        selfkv = [(past[4 * i], past[4 * i + 1]) for i in range(n)]
        cross = [(past[4 * i + 2], past[4 * i + 3]) for i in range(n)]
        h, new_self, attention = dec(input_ids, encoder_attention_mask, cross, selfkv, mask, return_cross=True)
        out = [self.model.logits(h)]
        for k, v in new_self:
            out += [k, v]
        return tuple(out + [attention])


def _export(module, args, path, input_names, output_names, axes):
    # The wrapper must be in eval mode: export puts the module back in the mode it found it in, recursively.
    module.eval()
    # Constant folding is off so the tied embedding is stored once: folding would materialise its transpose
    # (for the output projection) as a second initializer. ONNX Runtime folds it in memory at load time.
    torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=False)


def export_all(model, out_dir):
    """Writes the four ONNX files into out_dir and returns their paths by role."""
    model.eval()
    cfg = model.cfg
    n, heads = cfg.decoder_layers, cfg.decoder_attention_heads
    # T5 states its head size (d_kv); BART's families derive it.
    head_dim = getattr(cfg, "head_dim", cfg.d_model // heads)
    b, s, t = 2, 5, 3
    ids = torch.randint(2, cfg.vocab_size - 1, (b, s))
    mask = torch.ones(b, s, dtype=torch.long)
    mask[1, -2:] = 0
    dec_ids = torch.randint(2, cfg.vocab_size - 1, (b, t))
    enc_axes = {0: "batch_size", 1: "encoder_sequence_length"}
    paths = {k: os.path.join(out_dir, f"{k}.onnx") for k in
             ("encoder_model", "decoder_model", "decoder_with_past_model", "decoder_model_merged")}

    with torch.no_grad():
        _export(EncoderGraph(model), (ids, mask), paths["encoder_model"], ["input_ids", "attention_mask"],
                ["last_hidden_state"], {"input_ids": enc_axes, "attention_mask": enc_axes,
                                        "last_hidden_state": enc_axes})
        enc = model.encode(ids, mask)

        outs = present_names(n)
        attention_axes = {0: "batch_size", 1: "decoder_sequence_length", 2: "encoder_sequence_length"}
        axes = {"encoder_attention_mask": enc_axes, "encoder_hidden_states": enc_axes,
                "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                DECODER_MASK: {0: "batch_size", 1: "decoder_sequence_length"},
                "logits": {0: "batch_size", 1: "decoder_sequence_length"}, CROSS_ATTENTIONS: attention_axes}
        for name in outs:
            axes[name] = {0: "batch_size", 2: "decoder_sequence_length" if ".decoder." in name
                          else "encoder_sequence_length_out"}
        _export(DecoderGraph(model), (mask, dec_ids, enc, torch.ones(b, t, dtype=torch.long)),
                paths["decoder_model"], ["encoder_attention_mask", "input_ids", "encoder_hidden_states", DECODER_MASK],
                ["logits"] + outs + [CROSS_ATTENTIONS], axes)

        past = []
        for _ in range(n):
            past += [torch.randn(b, heads, t, head_dim), torch.randn(b, heads, t, head_dim),
                     torch.randn(b, heads, s, head_dim), torch.randn(b, heads, s, head_dim)]
        ins = past_names(n)
        outs = present_names(n, with_encoder=False)
        axes = {"encoder_attention_mask": enc_axes,
                "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                DECODER_MASK: {0: "batch_size", 1: "past_decoder_sequence_length + 1"},
                "logits": {0: "batch_size", 1: "decoder_sequence_length"},
                CROSS_ATTENTIONS: {0: "batch_size", 1: "decoder_sequence_length", 2: "encoder_sequence_length"}}
        for name in ins:
            axes[name] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in name
                          else "encoder_sequence_length_out"}
        for name in outs:
            axes[name] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
        _export(DecoderWithPastGraph(model), (mask, dec_ids[:, :1], *past, torch.ones(b, t + 1, dtype=torch.long)),
                paths["decoder_with_past_model"], ["encoder_attention_mask", "input_ids"] + ins + [DECODER_MASK],
                ["logits"] + outs + [CROSS_ATTENTIONS], axes)

    return finish_decoders(paths, merge_decoders(onnx.load(paths["decoder_model"]), onnx.load(paths["decoder_with_past_model"])))


def finish_decoders(paths, merged):
    """Saves the merged decoder, makes the decoder mask optional in the three decoder files and checks all four;
    returns paths. Shared by both exports, so their files end alike."""
    onnx.save(merged, paths["decoder_model_merged"])
    for name in ("decoder_model", "decoder_with_past_model", "decoder_model_merged"):
        graph = onnx.load(paths[name])
        make_mask_optional(graph)
        onnx.save(graph, paths[name])
    for p in paths.values():
        onnx.checker.check_model(p)
    return paths


def make_mask_optional(model):
    """Gives decoder_attention_mask a default ([[1]]: no padding) so that it becomes an overridable initializer.
    Its dimensions get names of their own: the default's shape [1, 1] is not the batch's."""
    mask = next(i for i in model.graph.input if i.name == DECODER_MASK)
    for dim, name in zip(mask.type.tensor_type.shape.dim, ("decoder_mask_batch", "decoder_mask_length")):
        dim.Clear()
        dim.dim_param = name
    model.graph.initializer.append(numpy_helper.from_array(np.ones((1, 1), dtype=np.int64), DECODER_MASK))


def _digest(init):
    return (init.data_type, tuple(init.dims), hashlib.sha256(numpy_helper.to_array(init).tobytes()).hexdigest())


def _rename_inputs(graph, mapping):
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in mapping:
                node.input[i] = mapping[name]
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                _rename_inputs(attr.g, mapping)


def _dims(value_info):
    return [d.dim_param if d.dim_param else d.dim_value for d in value_info.type.tensor_type.shape.dim]


def merge_decoders(no_past, with_past):
    """One graph whose `If` node runs the with-past branch when use_cache_branch is true. Initializers with the
    same content are stored once in the outer graph and read by both branches. The with-past branch has no
    encoder present outputs, so it returns empty constants of shape [0, heads, 1, head_dim] for them (the
    caller keeps the encoder keys/values of the first step)."""
    shared, mapping = {}, [{}, {}]
    for idx, model in enumerate((no_past, with_past)):
        for init in model.graph.initializer:
            key = _digest(init)
            if key not in shared:
                unique = f"{init.name}_merged_{len(shared)}" if any(
                    s.name == init.name for s in shared.values()) else init.name
                copy = TensorProto()
                copy.CopyFrom(init)
                copy.name = unique
                shared[key] = copy
            mapping[idx][init.name] = shared[key].name
    branches = []
    for idx, (model, name) in enumerate(((no_past, "no_past"), (with_past, "with_past"))):
        g = model.graph
        _rename_inputs(g, mapping[idx])
        branches.append(helper.make_graph(list(g.node), name, [], list(g.output)))

    with_past_branch = branches[1]
    produced = {o.name for o in with_past_branch.output}
    outputs = []
    for out in no_past.graph.output:
        if out.name not in produced:
            dims = _dims(out)
            const_dims = [0] + [1 if isinstance(d, str) else d for d in dims[1:]]
            value = helper.make_tensor("const_tensor", out.type.tensor_type.elem_type, const_dims, [])
            with_past_branch.node.append(helper.make_node("Constant", [], [out.name], value=value,
                                                          name=f"Constant_{out.name}"))
        outputs.append(helper.make_tensor_value_info(out.name, out.type.tensor_type.elem_type, _dims(out)))
    del with_past_branch.output[:]
    with_past_branch.output.extend(outputs)
    del branches[0].output[:]
    branches[0].output.extend(outputs)

    inputs, seen = [], set()
    for model in (no_past, with_past):
        for inp in model.graph.input:
            if inp.name not in seen:
                seen.add(inp.name)
                inputs.append(inp)
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
    if_node = helper.make_node("If", ["use_cache_branch"], [o.name for o in outputs], name="optimum::if",
                               then_branch=with_past_branch, else_branch=branches[0])
    graph = helper.make_graph([if_node], "merged", inputs, outputs, initializer=list(shared.values()))
    return helper.make_model(graph, opset_imports=list(no_past.opset_import),
                             producer_name=no_past.producer_name, producer_version=no_past.producer_version)
