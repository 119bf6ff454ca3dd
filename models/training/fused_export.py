"""MarianMT written directly as ONNX graphs in the shape ONNX Runtime's CPU execution provider runs fastest
(issue #27): the same four files, tensor names, shapes and additions (decoder_attention_mask, cross_attentions)
as onnx_export.py, so the C# runner, transformers.js and this folder's parity checks read either export.

What differs from torch.onnx's graphs, and why:
- attention is one com.microsoft `MultiHeadAttention` per layer: self-attention takes the cache as
  past_key/past_value and returns present_key/present_value in Optimum's [batch, heads, seq, head_size] layout,
  masks padding slots (key_padding_mask) and future positions (`unidirectional`) itself; cross-attention reads
  the encoder keys/values already split into heads. The last decoder layer's cross-attention stays in plain
  operators because `cross_attentions` needs its probabilities, which MultiHeadAttention does not return.
- the swish is `QuickGelu` with alpha 1 (x * sigmoid(x)); every projection is a `Gemm` with its bias over
  [tokens, d_model], so no Add, Reshape or Transpose sits between the matrix products.
- the output projection is a MatMul over a Transpose of the shared embedding (stored once in the file; ONNX
  Runtime folds the Transpose at load), as in torch's export, so quantize.py quantizes it the same way.
Parameters keep their PyTorch names and layout ([out, in] weights, no folding), so onnx_weights.load_bundle
reads these files back exactly as it reads onnx_export.py's."""
import math
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from onnx_export import CROSS_ATTENTIONS, DECODER_MASK, finish_decoders, merge_decoders, past_names, present_names

OPSET = 17
MS = "com.microsoft"
# PyTorch's masks add float32's lowest value; the same filter keeps masked probabilities exactly 0, and a row
# with every key masked gets the same uniform distribution in both.
MASK_FILTER = float(np.finfo(np.float32).min)
LAYER_NORM_EPS = 1e-5
I64_MAX = np.iinfo(np.int64).max


class Graph:
    """Nodes and initializers of one graph; parameters come from the module's state dict by PyTorch name."""

    def __init__(self, state, prefix):
        self.state, self.prefix, self.nodes, self.inits = state, prefix, [], {}

    def param(self, name):
        full = "model." + name
        if full not in self.inits:
            self.inits[full] = numpy_helper.from_array(self.state[name].detach().numpy().astype(np.float32), full)
        return full

    def const(self, name, value):
        if name not in self.inits:
            self.inits[name] = numpy_helper.from_array(np.asarray(value), name)
        return name

    def op(self, op_type, inputs, out, domain=None, **attrs):
        """One node; out is its output's name, or a list of names for several outputs (returned as given)."""
        outs = [out] if isinstance(out, str) else out
        # Node names are unique across both branches of the merged decoder.
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=f"{self.prefix}/{op_type}_{len(self.nodes)}",
                                           domain=domain, **attrs))
        return out

    def linear(self, x, prefix, out):
        """x [tokens, in] times the [out, in] weight (transposed inside Gemm), plus the bias."""
        return self.op("Gemm", [x, self.param(prefix + ".weight"), self.param(prefix + ".bias")], out, transB=1)

    def residual_norm(self, x, y, norm, out):
        """LayerNorm(x + y), the post-norm residual. Not com.microsoft SkipLayerNormalization: with it the encoder
        took a fifth longer at batch 64 than with Add + LayerNormalization (docs/performance.md)."""
        return self.op("LayerNormalization", [self.op("Add", [x, y], out + "_residual"), self.param(norm + ".weight"),
                                              self.param(norm + ".bias")], out, axis=-1, epsilon=LAYER_NORM_EPS)

    def feed_forward(self, x, prefix, norm, out):
        h = self.linear(x, prefix + ".fc1", out + "_fc1")
        h = self.op("QuickGelu", [h], out + "_swish", domain=MS, alpha=1.0)
        return self.residual_norm(x, self.linear(h, prefix + ".fc2", out + "_fc2"), norm, out)

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=list(self.inits.values()))
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)],
                                 producer_name="seq2seqservice-fused-export")


def _embed(g, table, scale, ids, positions, out):
    """Token embedding * sqrt(d_model) + position rows, flattened to [tokens, d_model]."""
    tok = g.op("Gather", [g.param(table), ids], out + "_tok")
    tok = g.op("Mul", [tok, g.const("embed_scale", np.array(scale, dtype=np.float32))], out + "_scaled")
    return g.op("Reshape", [g.op("Add", [tok, positions], out + "_sum"), "hidden_2d"], out)


def _self_attention(g, x, prefix, heads, mask, shape3, out, cache=None, unidirectional=0):
    """x [tokens, d_model]; cache (past_key or "", past_value or "", present_key, present_value) names."""
    q = g.op("Reshape", [g.linear(x, prefix + ".q_proj", out + "_q2"), shape3], out + "_q")
    k = g.op("Reshape", [g.linear(x, prefix + ".k_proj", out + "_k2"), shape3], out + "_k")
    v = g.op("Reshape", [g.linear(x, prefix + ".v_proj", out + "_v2"), shape3], out + "_v")
    inputs, outs = [q, k, v, "", mask], [out + "_ctx3"]
    if cache is not None:
        past_key, past_value, present_key, present_value = cache
        inputs += ["", past_key, past_value] if past_key else []
        outs += [present_key, present_value]
    g.op("MultiHeadAttention", inputs, outs, domain=MS, num_heads=heads, mask_filter_value=MASK_FILTER,
         unidirectional=unidirectional)
    ctx = g.op("Reshape", [outs[0], "hidden_2d"], out + "_ctx")
    return g.linear(ctx, prefix + ".out_proj", out + "_o")


def _split_heads(g, x2d, shape4, out):
    """[tokens, d_model] -> [batch, heads, seq, head_size]."""
    return g.op("Transpose", [g.op("Reshape", [x2d, shape4], out + "_bsnh")], out, perm=[0, 2, 1, 3])


def _cross_attention(g, x, prefix, heads, head_dim, key, value, enc_mask, shape3, out, probs_out=None):
    """x [tokens, d_model] against keys/values [batch, heads, source, head_size]; with probs_out, in plain
    operators that also return the probabilities averaged over heads."""
    q = g.linear(x, prefix + ".q_proj", out + "_q2")
    if probs_out is None:
        q = g.op("Reshape", [q, shape3], out + "_q")
        ctx = g.op("MultiHeadAttention", [q, key, value, "", enc_mask], out + "_ctx3", domain=MS, num_heads=heads,
                   mask_filter_value=MASK_FILTER)
    else:
        q = _split_heads(g, q, "heads_shape", out + "_qh")
        scores = g.op("FusedMatMul", [q, key], out + "_scores", domain=MS, transB=1,
                      alpha=1.0 / math.sqrt(head_dim))
        scores = g.op("Add", [scores, "encoder_additive_mask"], out + "_masked")
        probs = g.op("Softmax", [scores], out + "_probs", axis=-1)
        g.op("ReduceMean", [probs], probs_out, axes=[1], keepdims=0)
        ctx = g.op("MatMul", [probs, value], out + "_ctx4")
        ctx = g.op("Transpose", [ctx], out + "_ctx3", perm=[0, 2, 1, 3])
    ctx = g.op("Reshape", [ctx, "hidden_2d"], out + "_ctx")
    return g.linear(ctx, prefix + ".out_proj", out + "_o")


def _common_shapes(g, ids, d_model, heads, head_dim):
    """hidden_2d [-1, d_model]; shape3 [batch, seq, d_model] and heads_shape [batch, seq, heads, head_size]
    of the new tokens."""
    g.const("hidden_2d", np.array([-1, d_model], dtype=np.int64))
    bs = g.op("Shape", [ids], "batch_seq")
    shape3 = g.op("Concat", [bs, g.const("d_model_1d", np.array([d_model], dtype=np.int64))], "shape3", axis=0)
    g.op("Concat", [bs, g.const("heads_1d", np.array([heads, head_dim], dtype=np.int64))], "heads_shape", axis=0)
    return shape3


def encoder_model(model):
    cfg = model.cfg
    g = Graph(model.state_dict(), "encoder")
    heads = cfg.encoder_attention_heads
    shape3 = _common_shapes(g, "input_ids", cfg.d_model, heads, cfg.d_model // heads)
    seq = g.op("Gather", ["batch_seq", g.const("one", np.array(1, dtype=np.int64))], "seq_len", axis=0)
    positions = g.op("Range", [g.const("zero", np.array(0, dtype=np.int64)), seq,
                               g.const("one", np.array(1, dtype=np.int64))], "position_ids")
    positions = g.op("Gather", [g.param("model.encoder.embed_positions.weight"), positions], "positions")
    x = _embed(g, "model.shared.weight", math.sqrt(cfg.d_model), "input_ids", positions, "h0")
    mask = g.op("Cast", ["attention_mask"], "mask_i32", to=TensorProto.INT32)
    for i in range(cfg.encoder_layers):
        p = f"model.encoder.layers.{i}"
        a = _self_attention(g, x, p + ".self_attn", heads, mask, shape3, f"l{i}_sa")
        x = g.residual_norm(x, a, p + ".self_attn_layer_norm", f"l{i}_h1")
        x = g.feed_forward(x, p, p + ".final_layer_norm", f"l{i}_h2")
    g.op("Reshape", [x, shape3], "last_hidden_state")
    axes = ["batch_size", "encoder_sequence_length"]
    return g.model("encoder", [helper.make_tensor_value_info("input_ids", TensorProto.INT64, axes),
                               helper.make_tensor_value_info("attention_mask", TensorProto.INT64, axes)],
                   [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, axes + [cfg.d_model])])


def decoder_model(model, with_past):
    """decoder_model.onnx (with_past False: computes the encoder keys/values and returns them) or
    decoder_with_past_model.onnx (reads them from the cache; only the self-attention cache grows)."""
    cfg = model.cfg
    n, heads = cfg.decoder_layers, cfg.decoder_attention_heads
    head_dim = cfg.d_model // heads
    g = Graph(model.state_dict(), "with_past" if with_past else "no_past")
    shape3 = _common_shapes(g, "input_ids", cfg.d_model, heads, head_dim)
    zero, one = g.const("zero_1d", np.array([0], dtype=np.int64)), g.const("one_1d", np.array([1], dtype=np.int64))
    if with_past:
        past_len = g.op("Slice", [g.op("Shape", ["past_key_values.0.decoder.key"], "past_shape"),
                                  g.const("two_1d", np.array([2], dtype=np.int64)),
                                  g.const("three_1d", np.array([3], dtype=np.int64))], "past_len")
    else:
        past_len = zero
    batch = g.op("Slice", ["batch_seq", zero, one], "batch")
    new_len = g.op("Slice", ["batch_seq", one, g.const("two_1d", np.array([2], dtype=np.int64))], "new_len")
    total = g.op("Add", [past_len, new_len], "total_len")
    # The mask's default [[1]] broadcasts to every slot real; positions count the real slots before each token.
    full = g.op("Expand", [DECODER_MASK, g.op("Concat", [batch, total], "mask_shape", axis=0)], "full_mask")
    counted = g.op("Sub", [g.op("CumSum", [full, g.const("axis1", np.array(1, dtype=np.int64))], "mask_cumsum"),
                           g.const("one_i64", np.array(1, dtype=np.int64))], "mask_count")
    pos_ids = g.op("Slice", [counted, past_len, g.const("end_1d", np.array([I64_MAX], dtype=np.int64)), one],
                   "new_counts")
    pos_ids = g.op("Max", [pos_ids, g.const("zero_i64", np.array(0, dtype=np.int64))], "position_ids")
    positions = g.op("Gather", [g.param("model.decoder.embed_positions.weight"), pos_ids], "positions")
    x = _embed(g, "model.shared.weight", math.sqrt(cfg.d_model), "input_ids", positions, "h0")
    self_mask = g.op("Cast", [full], "self_mask_i32", to=TensorProto.INT32)
    enc_mask = g.op("Cast", ["encoder_attention_mask"], "enc_mask_i32", to=TensorProto.INT32)
    keep = g.op("Cast", [g.op("Unsqueeze", ["encoder_attention_mask", g.const("axes12", np.array([1, 2]))],
                              "enc_mask_4d")], "enc_mask_f", to=TensorProto.FLOAT)
    g.op("Mul", [g.op("Sub", [g.const("one_f", np.array(1, dtype=np.float32)), keep], "enc_masked"),
                 g.const("mask_filter", np.array(MASK_FILTER, dtype=np.float32))], "encoder_additive_mask")
    if not with_past:
        enc2d = g.op("Reshape", ["encoder_hidden_states", "hidden_2d"], "enc_2d")
        enc_shape4 = g.op("Concat", [g.op("Shape", ["encoder_hidden_states"], "enc_shape", end=2),
                                     "heads_1d"], "enc_heads_shape", axis=0)

    for i in range(n):
        p = f"model.decoder.layers.{i}"
        cache = (f"past_key_values.{i}.decoder.key" if with_past else "",
                f"past_key_values.{i}.decoder.value" if with_past else "",
                f"present.{i}.decoder.key", f"present.{i}.decoder.value")
        a = _self_attention(g, x, p + ".self_attn", heads, self_mask, shape3, f"l{i}_sa", cache=cache,
                            unidirectional=1)
        x = g.residual_norm(x, a, p + ".self_attn_layer_norm", f"l{i}_h1")
        if with_past:
            key, value = f"past_key_values.{i}.encoder.key", f"past_key_values.{i}.encoder.value"
        else:
            key, value = f"present.{i}.encoder.key", f"present.{i}.encoder.value"
            _split_heads(g, g.linear(enc2d, p + ".encoder_attn.k_proj", f"l{i}_ck2"), enc_shape4, key)
            _split_heads(g, g.linear(enc2d, p + ".encoder_attn.v_proj", f"l{i}_cv2"), enc_shape4, value)
        c = _cross_attention(g, x, p + ".encoder_attn", heads, head_dim, key, value, enc_mask, shape3, f"l{i}_ca",
                             probs_out=CROSS_ATTENTIONS if i == n - 1 else None)
        x = g.residual_norm(x, c, p + ".encoder_attn_layer_norm", f"l{i}_h2")
        x = g.feed_forward(x, p, p + ".final_layer_norm", f"l{i}_h3")
    # In 3D, so that the last node writes the graph output itself: a Reshape into an output copies it. MatMul
    # over a Transpose of the tied embedding, as torch exports it: ONNX Runtime folds the Transpose at load, and
    # quantize.py recognises the pattern (it leaves a FusedMatMul float).
    x = g.op("Reshape", [x, shape3], "h_last")
    embedding_t = g.op("Transpose", [g.param("model.shared.weight")], "embedding_t", perm=[1, 0])
    # Marian's final_logits_bias is a buffer that training leaves at zero: then adding it is a pass over the
    # largest tensor of the step for nothing, and onnx_weights reads its absence as zeros.
    if model.final_logits_bias.any():
        g.op("Add", [g.op("MatMul", [x, embedding_t], "logits_unbiased"), g.param("final_logits_bias")], "logits")
    else:
        g.op("MatMul", [x, embedding_t], "logits")

    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    new_axes = ["batch_size", "decoder_sequence_length"]
    enc_axes = ["batch_size", "encoder_sequence_length"]
    total_axis = "past_decoder_sequence_length + 1" if with_past else "decoder_sequence_length"
    inputs = [helper.make_tensor_value_info("encoder_attention_mask", i64, enc_axes),
              helper.make_tensor_value_info("input_ids", i64, new_axes)]
    if with_past:
        for name in past_names(n):
            seq = "past_decoder_sequence_length" if ".decoder." in name else "encoder_sequence_length_out"
            inputs.append(helper.make_tensor_value_info(name, f32, ["batch_size", heads, seq, head_dim]))
    else:
        inputs.append(helper.make_tensor_value_info("encoder_hidden_states", f32, enc_axes + [cfg.d_model]))
    inputs.append(helper.make_tensor_value_info(DECODER_MASK, i64, ["batch_size", total_axis]))
    outputs = [helper.make_tensor_value_info("logits", f32, new_axes + [cfg.vocab_size])]
    for name in present_names(n, with_encoder=not with_past):
        seq = total_axis if ".decoder." in name else "encoder_sequence_length_out"
        outputs.append(helper.make_tensor_value_info(name, f32, ["batch_size", heads, seq, head_dim]))
    outputs.append(helper.make_tensor_value_info(CROSS_ATTENTIONS, f32, new_axes + ["encoder_sequence_length"]))
    return g.model("decoder_with_past" if with_past else "decoder", inputs, outputs)


def export_all(model, out_dir):
    """Writes the four ONNX files into out_dir and returns their paths by role (as onnx_export.export_all)."""
    model.eval()
    paths = {k: os.path.join(out_dir, f"{k}.onnx") for k in
             ("encoder_model", "decoder_model", "decoder_with_past_model", "decoder_model_merged")}
    with torch.no_grad():
        onnx.save(encoder_model(model), paths["encoder_model"])
        no_past, with_past = decoder_model(model, False), decoder_model(model, True)
    onnx.save(no_past, paths["decoder_model"])
    onnx.save(with_past, paths["decoder_with_past_model"])
    return finish_decoders(paths, merge_decoders(no_past, with_past))
