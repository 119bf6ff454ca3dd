"""int8 quantization of an ONNX bundle's graphs, written with the onnx package alone (there is no
onnxruntime for Python here).

Every MatMul or Gemm whose weight is a constant (an initializer, possibly behind a Transpose, as torch exports
nn.Linear) becomes one ONNX Runtime `com.microsoft.DynamicQuantizeMatMul`: the activations are quantized to
uint8 per tensor at run time, the weights are stored as symmetric int8 with one scale per output column (or
one per tensor) and the following bias Add is folded into the node. This is the form ONNX Runtime's own
graph optimizer reaches from DynamicQuantizeLinear + MatMulInteger. Token embeddings (a Gather of a float
table by a graph input) may be stored as int8 with one scale per row and dequantized after the lookup.

The rewrite is generic over graph inputs, outputs and the other operators (fused com.microsoft attention nodes
stay as they are; the MatMuls around them are rewritten) and walks If/Loop/Scan subgraphs: a weight used inside
a subgraph (an outer-scope initializer, as in Optimum's merged decoder, or a Constant node) is quantized once
and stored in the outer graph, so both branches of the merged decoder share it.

--activations RANGES (calibrate.py's JSON) fixes each product's activation scale instead: a `QuantizeLinear` with
the calibrated uint8 scale and zero point, then `com.microsoft.MatMulIntegerToFloat`, so that a row's result does
not depend on its batch; it also writes Optimum's ort_config.json saying so (`is_static`), which makes the
service serve these graphs by default.

--nbits 8|4 writes `com.microsoft.MatMulNBits` instead (blockwise symmetric weights, int8 activations per block
with accuracy_level 4): measured slower at batch 64 on this machine (docs/quantization.md), kept to re-measure.

    /usr/bin/python3 models/training/quantize.py --bundle models/marian-tatoeba-en-fr \
        --activations models/training/calibration/marian-tatoeba-en-fr.json

writes encoder_model_quantized.onnx and decoder_model_merged_quantized.onnx (or the separate decoders'
*_quantized.onnx) beside the fp32 files, with the defaults chosen by measurement (docs/quantization.md).
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS_DOMAIN = "com.microsoft"
GRAPHS = ("encoder_model", "decoder_model_merged", "decoder_model", "decoder_with_past_model")


def quantize_weight(w, per_channel):
    """w: [K, N] float. Symmetric int8 in [-127, 127]; scales per column N (per_channel) or one scale."""
    absmax = np.abs(w).max(axis=0) if per_channel else np.array(np.abs(w).max())
    scale = np.where(absmax > 0, absmax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def activation_quantization(low, high):
    """uint8 scale and zero point of a calibrated range, as DynamicQuantizeLinear derives them from a tensor's
    own range: the range widened to include 0, scale = range / 255, the zero point rounded half to even."""
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    scale = np.float32((high - low) / 255.0) if high > low else np.float32(1.0)
    zero = int(np.clip(np.rint(-low / scale), 0, 255))
    return float(scale), zero


def quantize_blocks(w, bits, block):
    """w: [K, N] float -> MatMulNBits' B [N, K/block, block*bits/8] (uint8, default zero point 2^(bits-1), codes
    packed low bits first) and scales [N, K/block]: symmetric per block of `block` weights along K."""
    k, n = w.shape
    blocks = -(-k // block)
    wt = np.zeros((n, blocks * block), dtype=np.float32)
    wt[:, :k] = w.T
    wt = wt.reshape(n, blocks, block)
    top = 2 ** (bits - 1) - 1
    absmax = np.abs(wt).max(axis=2)
    scale = np.where(absmax > 0, absmax / top, 1.0).astype(np.float32)
    codes = (np.clip(np.rint(wt / scale[:, :, None]), -top, top) + 2 ** (bits - 1)).astype(np.uint8)
    if bits == 4:
        codes = codes[:, :, 0::2] | (codes[:, :, 1::2] << 4)
    return codes, scale


def quantize_rows(table):
    """table: [rows, dim] float. Symmetric int8 with one scale per row (an embedding lookup dequantizes a row)."""
    absmax = np.abs(table).max(axis=1)
    scale = np.where(absmax > 0, absmax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(table / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


class Quantizer:
    def __init__(self, model, per_channel, output_projection, embeddings, nbits=None, ranges=None):
        self.model = model
        self.nbits = nbits
        self.ranges = ranges
        self.per_channel = per_channel
        self.output_projection = output_projection
        self.embeddings = embeddings
        self.main = model.graph
        self.inits = {t.name: t for t in self.main.initializer}
        self.graph_inputs = {i.name for i in self.main.input}
        self.cache = {}
        self.static_inputs = {}
        self.counts = {"matmul": 0, "gemm": 0, "gather": 0, "bias_folded": 0, "kept_fp32": 0}

    # Initializers are looked up in the outer graph too: subgraph nodes read them as outer-scope values. torch
    # stores equal tensors once and reads the copies through Identity nodes, and may leave weights in Constant nodes.
    def constant(self, graph, name):
        for t in graph.initializer:
            if t.name == name:
                return numpy_helper.to_array(t)
        if name in self.inits:
            return numpy_helper.to_array(self.inits[name])
        for node in graph.node:
            if node.op_type == "Identity" and node.output[0] == name:
                return self.constant(graph, node.input[0])
            if node.op_type == "Constant" and node.output[0] == name:
                value = next((a.t for a in node.attribute if a.name == "value"), None)
                return None if value is None else numpy_helper.to_array(value)
        return None

    def add_init(self, array, name):
        if name not in self.inits:
            tensor = numpy_helper.from_array(array, name)
            self.main.initializer.append(tensor)
            self.inits[name] = tensor
        return name

    def quantized_weight(self, source, transposed, w):
        key = (source, transposed, "matmul")
        if key not in self.cache:
            q, scale = quantize_weight(w, self.per_channel)
            base = source + ("_T" if transposed else "")
            self.cache[key] = (self.add_init(q, base + "_quantized"), self.add_init(scale, base + "_scale"))
        return self.cache[key]

    def weight_of(self, graph, name, producers):
        """The [K, N] constant behind a MatMul's B input, its source initializer and whether it was transposed."""
        w = self.constant(graph, name)
        if w is not None:
            return w, name, False, None
        node = producers.get(name)
        if node is not None and node.op_type == "Transpose":
            perm = next((list(a.ints) for a in node.attribute if a.name == "perm"), [1, 0])
            w = self.constant(graph, node.input[0])
            if w is not None and w.ndim == 2 and perm == [1, 0]:
                return w.T, node.input[0], True, node
        return None, None, False, None

    def is_output_projection(self, consumers, output):
        """The last MatMul before a graph output: the logits."""
        return any(n.op_type == "Add" and n.output[0] in self.graph_outputs for n in consumers.get(output, [])) \
            or output in self.graph_outputs

    def rewrite(self, graph, outer_outputs):
        self.graph_outputs = {o.name for o in graph.output} | outer_outputs
        for node in graph.node:
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    self.rewrite(attr.g, self.graph_outputs)
                    self.graph_outputs = {o.name for o in graph.output} | outer_outputs
        producers = {o: n for n in graph.node for o in n.output}
        consumers = {}
        for n in graph.node:
            for i in n.input:
                consumers.setdefault(i, []).append(n)
        new_nodes, removed = [], set()
        for node in graph.node:
            if id(node) in removed:
                continue
            replacement = None
            if node.op_type in ("MatMul", "Gemm"):
                replacement = self.matmul(graph, node, producers, consumers, removed)
            elif node.op_type == "Gather" and self.embeddings:
                replacement = self.gather(graph, node)
            new_nodes.extend(replacement if replacement is not None else [node])
        kept = [n for n in new_nodes if id(n) not in removed]
        del graph.node[:]
        graph.node.extend(kept)

    def matmul(self, graph, node, producers, consumers, removed):
        if node.op_type == "Gemm":
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
                return None
            w, source, transposed, _ = self.weight_of(graph, node.input[1], producers)
            if w is None or w.ndim != 2:
                return None
            if attrs.get("transB", 0):
                w, transposed = w.T, not transposed
            bias = node.input[2] if len(node.input) > 2 and node.input[2] else ""
            if bias:
                b = self.constant(graph, bias)
                if b is None or b.size != w.shape[1]:
                    return None
                bias = self.add_init(b.reshape(-1).astype(np.float32), bias + "_vector")
            self.counts["gemm"] += 1
            return self.fused(graph, node, w, source, transposed, bias, node.output[0])
        w, source, transposed, transpose = self.weight_of(graph, node.input[1], producers)
        if w is None or w.ndim != 2 or w.dtype != np.float32:
            return None
        if not self.output_projection and self.is_output_projection(consumers, node.output[0]):
            self.counts["kept_fp32"] += 1
            return None
        output, bias = node.output[0], ""
        users = consumers.get(node.output[0], [])
        if len(users) == 1 and users[0].op_type == "Add":
            add = users[0]
            other = add.input[1] if add.input[0] == node.output[0] else add.input[0]
            b = self.constant(graph, other)
            if b is not None and b.size == w.shape[1] and all(d == 1 for d in b.shape[:-1]):
                bias = other if b.ndim == 1 and other in self.inits else \
                    self.add_init(b.reshape(-1).astype(np.float32), other + "_vector")
                output = add.output[0]
                removed.add(id(add))
                self.counts["bias_folded"] += 1
        if transpose is not None and len(consumers.get(transpose.output[0], [])) == 1:
            removed.add(id(transpose))
        self.counts["matmul"] += 1
        return self.fused(graph, node, w, source, transposed, bias, output)

    def fused(self, graph, node, w, source, transposed, bias, output):
        """The nodes that replace one product."""
        if self.nbits:
            bits, block, level = self.nbits
            key = (source, transposed, "nbits")
            if key not in self.cache:
                q, scale = quantize_blocks(w, bits, block)
                base = source + ("_T" if transposed else "")
                self.cache[key] = (self.add_init(q, base + f"_q{bits}"), self.add_init(scale, base + f"_q{bits}_scale"))
            q, scale = self.cache[key]
            inputs = [node.input[0], q, scale] + (["", "", bias] if bias else [])
            return [helper.make_node("MatMulNBits", inputs, [output], name=(node.name or output) + "_quant", domain=MS_DOMAIN,
                                    K=w.shape[0], N=w.shape[1], bits=bits, block_size=block, accuracy_level=level)]
        q, scale = self.quantized_weight(source, transposed, w)
        name = (node.name or output) + "_quant"
        if self.ranges is None:
            inputs = [node.input[0], q, scale, ""] + ([bias] if bias else [])
            return [helper.make_node("DynamicQuantizeMatMul", inputs, [output], name=name, domain=MS_DOMAIN)]
        if source not in self.ranges:
            raise ValueError(f"no activation range for {source} (calibrate.py writes one per weight)")
        base = source + ("_T" if transposed else "")
        a_scale, a_zero = activation_quantization(*self.ranges[source])
        a_scale_name = self.add_init(np.array(a_scale, dtype=np.float32), base + "_input_scale")
        a_zero_name = self.add_init(np.array(a_zero, dtype=np.uint8), base + "_input_zero_point")
        # Products reading the same tensor with the same range (q, k and v) share one QuantizeLinear.
        key = (id(graph), node.input[0], a_scale, a_zero)
        nodes = []
        if key not in self.static_inputs:
            self.static_inputs[key] = node.input[0] + f"_uint8_{len(self.static_inputs)}"
            nodes.append(helper.make_node("QuantizeLinear", [node.input[0], a_scale_name, a_zero_name],
                                          [self.static_inputs[key]], name=name + "_input"))
        inputs = [self.static_inputs[key], q, a_scale_name, scale, a_zero_name, "", bias]
        return nodes + [helper.make_node("MatMulIntegerToFloat", inputs, [output], name=name, domain=MS_DOMAIN)]

    def gather(self, graph, node):
        """Gather(table, ids) with ids a graph input: int8 rows, dequantized after the lookup."""
        axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
        if axis != 0 or node.input[1] not in self.graph_inputs:
            return None
        table = self.constant(graph, node.input[0])
        if table is None or table.ndim != 2 or table.dtype != np.float32:
            return None
        key = (node.input[0], False, "gather")
        if key not in self.cache:
            q, scale = quantize_rows(table)
            self.cache[key] = (self.add_init(q, node.input[0] + "_rows_quantized"),
                               self.add_init(scale, node.input[0] + "_rows_scale"))
        q, scale = self.cache[key]
        axes = self.add_init(np.array([-1], dtype=np.int64), "quantize_last_axis")
        out, name = node.output[0], node.name or node.output[0]
        self.counts["gather"] += 1
        return [
            helper.make_node("Gather", [q, node.input[1]], [out + "_int8"], name=name + "_int8"),
            helper.make_node("Cast", [out + "_int8"], [out + "_float"], name=name + "_cast", to=TensorProto.FLOAT),
            helper.make_node("Gather", [scale, node.input[1]], [out + "_rowscale"], name=name + "_scale"),
            helper.make_node("Unsqueeze", [out + "_rowscale", axes], [out + "_rowscale2"], name=name + "_unsq"),
            helper.make_node("Mul", [out + "_float", out + "_rowscale2"], [out], name=name + "_dequant"),
        ]


def drop_unused_initializers(model):
    used = set()

    def walk(graph):
        for n in graph.node:
            used.update(n.input)
            for attr in n.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g)
        used.update(o.name for o in graph.output)

    walk(model.graph)
    kept = [t for t in model.graph.initializer if t.name in used]
    dropped = len(model.graph.initializer) - len(kept)
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    return dropped


def quantize_file(src, dst, per_channel, output_projection, embeddings, nbits=None, ranges=None):
    model = onnx.load(src)
    q = Quantizer(model, per_channel, output_projection, embeddings, nbits, ranges)
    q.rewrite(model.graph, set())
    dropped = drop_unused_initializers(model)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    onnx.checker.check_model(model)
    tmp = dst + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, dst)
    return {**q.counts, "initializers_dropped": dropped, "bytes_fp32": os.path.getsize(src),
            "bytes_int8": os.path.getsize(dst)}


def write_ort_config(folder, per_channel):
    """Optimum's ort_config.json, its `quantization` part: the service serves a bundle's int8 graphs by default
    when they say `is_static` (Variant auto, docs/quantization.md), since then a row's result does not depend on
    its batch."""
    from bundle_files import write_json
    write_json(os.path.join(folder, "ort_config.json"), {"quantization": {
        "is_static": True, "format": "QOperator", "activations_dtype": "QUInt8", "activations_symmetric": False,
        "weights_dtype": "QInt8", "weights_symmetric": True, "per_channel": per_channel, "reduce_range": False,
        "operators_to_quantize": ["MatMul", "Gemm", "Gather"]}})


def write_golden(bundle, folder, data, golden_dir, n):
    """Greedy and beam-4 golden files of the int8 graphs, from quantized_reference's PyTorch model."""
    import sentencepiece as spm
    import torch

    import quantized_reference
    from bundle_files import write_json
    from decode import DecodeSettings
    from export_common import GOLDEN_SETTINGS, golden
    from prep import read_pairs

    torch.set_num_threads(1)
    merged = os.path.exists(os.path.join(folder, "decoder_model_merged_quantized.onnx"))
    model = quantized_reference.load(bundle, folder, "decoder_model_merged" if merged else "decoder_model")
    cfg = model.cfg
    sp = spm.SentencePieceProcessor(model_file=os.path.join(bundle, "source.spm"))
    fits = lambda text: len(sp.encode(text)) < cfg.max_position_embeddings
    test = read_pairs(os.path.join(data, "test.tsv"))
    sources = [t for t in dict.fromkeys(en for en, _ in test) if fits(t)][:n]
    name = os.path.basename(os.path.normpath(bundle))
    os.makedirs(golden_dir, exist_ok=True)
    for file in ("greedy", "beam4"):
        settings = DecodeSettings(max_new_tokens=cfg.max_position_embeddings - 1, bad_words_ids=[[cfg.pad_token_id]],
                                  **GOLDEN_SETTINGS[file])
        write_json(os.path.join(golden_dir, f"{file}.json"),
                   golden(model, sp, sources, settings, name))
        print("golden", os.path.join(golden_dir, f"{file}.json"), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", required=True, help="folder with the fp32 graphs (flat, or under onnx/)")
    ap.add_argument("--out", help="folder for the *_quantized.onnx files (default: beside the fp32 files)")
    ap.add_argument("--per-tensor", action="store_true", help="one weight scale per matrix, not per column")
    ap.add_argument("--output-projection", choices=["int8", "fp32"], default="int8",
                    help="quantize the MatMul that produces a graph output (the logits)")
    ap.add_argument("--embeddings", choices=["int8", "fp32"], default="int8",
                    help="token embedding tables (Gather by a graph input)")
    ap.add_argument("--nbits", type=int, choices=[4, 8], help="MatMulNBits with this many bits instead of DynamicQuantizeMatMul")
    ap.add_argument("--block-size", type=int, default=32, help="MatMulNBits block along K")
    ap.add_argument("--accuracy-level", type=int, default=4, help="MatMulNBits accuracy_level (4: int8 activations)")
    ap.add_argument("--activations", help="calibrate.py's ranges JSON: static activation scales (QuantizeLinear + "
                    "MatMulIntegerToFloat), so that a row's result does not depend on its batch; default dynamic")
    ap.add_argument("--golden", help="also write greedy.json and beam4.json for the int8 graphs into this folder")
    ap.add_argument("--data", help="prep.py output folder (test.tsv), with --golden")
    ap.add_argument("--n-golden", type=int, default=50, help="test sentences in the golden files")
    args = ap.parse_args()
    if args.golden and not args.data:
        ap.error("--golden needs --data")
    if args.activations and args.nbits:
        ap.error("--activations applies to int8 products, not MatMulNBits")
    ranges = None
    if args.activations:
        with open(args.activations, encoding="utf-8") as f:
            ranges = json.load(f)["ranges"]
    folder = args.bundle
    if not os.path.exists(os.path.join(folder, "encoder_model.onnx")) and os.path.isdir(os.path.join(folder, "onnx")):
        folder = os.path.join(folder, "onnx")
    out = args.out or folder
    os.makedirs(out, exist_ok=True)
    done = 0
    for name in GRAPHS:
        src = os.path.join(folder, f"{name}.onnx")
        if not os.path.exists(src):
            continue
        stats = quantize_file(src, os.path.join(out, f"{name}_quantized.onnx"), not args.per_tensor,
                              args.output_projection == "int8", args.embeddings == "int8",
                              (args.nbits, args.block_size, args.accuracy_level) if args.nbits else None, ranges)
        print(name, stats, flush=True)
        done += 1
    if not done:
        sys.exit(f"no ONNX graph ({', '.join(GRAPHS)}) in {folder}")
    if ranges is not None:
        write_ort_config(args.out or args.bundle, not args.per_tensor)
    if args.golden:
        write_golden(args.bundle, out, args.data, args.golden, args.n_golden)


if __name__ == "__main__":
    main()
