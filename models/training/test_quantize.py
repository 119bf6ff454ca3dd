"""quantize.py on graphs unlike our export's (run: /usr/bin/python3 -m unittest test_quantize, in models/training):
weights in Constant nodes and outer-scope initializers read inside If branches, a fused com.microsoft attention
node between the projections, and the MatMulNBits layout read back against the float weights."""
import os
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from quantize import activation_quantization, quantize_blocks, quantize_file

D = 32


def weight(seed, k=D, n=D):
    return np.random.default_rng(seed).standard_normal((k, n)).astype(np.float32)


def branch(name, use_constant):
    """y = x · W (+ b): W from a Constant node of the branch, or the outer graph's initializer behind a Transpose."""
    if use_constant:
        nodes = [helper.make_node("Constant", [], [f"{name}_w"], value=numpy_helper.from_array(weight(3), f"{name}_w")),
                 helper.make_node("MatMul", ["h", f"{name}_w"], [f"{name}_mm"]),
                 helper.make_node("Add", [f"{name}_mm", "bias"], [f"{name}_y"])]
    else:
        nodes = [helper.make_node("Transpose", ["outer_w"], [f"{name}_wt"], perm=[1, 0]),
                 helper.make_node("MatMul", ["h", f"{name}_wt"], [f"{name}_y"])]
    return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(f"{name}_y", TensorProto.FLOAT, ["batch", "seq", D])])


def model():
    projections = [helper.make_node("MatMul", ["x", p], [p + "_out"]) for p in ("wq", "wk", "wv")]
    attention = helper.make_node("MultiHeadAttention", ["wq_out", "wk_out", "wv_out"], ["h"], domain="com.microsoft",
                                 num_heads=4)
    choose = helper.make_node("If", ["flag"], ["y"], then_branch=branch("then", True), else_branch=branch("else", False))
    inits = [numpy_helper.from_array(weight(i), p) for i, p in enumerate(("wq", "wk", "wv"))]
    inits += [numpy_helper.from_array(weight(4), "outer_w"), numpy_helper.from_array(np.ones(D, np.float32), "bias")]
    graph = helper.make_graph(
        projections + [attention, choose], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", D]),
         helper.make_tensor_value_info("flag", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", D])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14), helper.make_opsetid("com.microsoft", 1)])


def ops(graph):
    for node in graph.node:
        yield node
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from ops(attr.g)


class QuantizeAnyGraphTest(unittest.TestCase):
    def quantized(self, nbits=None, ranges=None):
        with tempfile.TemporaryDirectory() as folder:
            src, dst = os.path.join(folder, "m.onnx"), os.path.join(folder, "m_quantized.onnx")
            onnx.save(model(), src)
            stats = quantize_file(src, dst, True, True, True, nbits, ranges)
            return onnx.load(dst), stats

    def test_every_constant_weight_matmul_is_replaced_in_both_branches_and_attention_is_kept(self):
        m, stats = self.quantized()
        kinds = [n.op_type for n in ops(m.graph)]
        self.assertNotIn("MatMul", kinds)
        self.assertEqual(kinds.count("DynamicQuantizeMatMul"), 5)
        self.assertEqual(kinds.count("MultiHeadAttention"), 1)
        self.assertEqual(stats["bias_folded"], 1)
        then_branch = next(n for n in m.graph.node if n.op_type == "If").attribute[0].g
        self.assertNotIn("Add", [n.op_type for n in then_branch.node], "the bias Add is folded into the node")
        self.assertNotIn("outer_w", [t.name for t in m.graph.initializer], "the float weight nothing reads is dropped")

    def test_weights_round_trip_within_half_a_step(self):
        m, _ = self.quantized()
        inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        back = inits["outer_w_T_quantized"].astype(np.float32) * inits["outer_w_T_scale"]
        self.assertLessEqual(np.abs(back - weight(4).T).max(), inits["outer_w_T_scale"].max() / 2 + 1e-7)

    def test_matmulnbits_layout_dequantizes_to_the_transposed_weight(self):
        for bits in (8, 4):
            w = weight(5, 48, 16)  # K = 48 is not a multiple of the block: the last block is zero-padded
            codes, scale = quantize_blocks(w, bits, 32)
            self.assertEqual(codes.shape, (16, 2, 32 * bits // 8))
            if bits == 4:
                codes = np.stack([codes & 15, codes >> 4], axis=-1).reshape(16, 2, 32)
            back = (codes.astype(np.float32) - 2 ** (bits - 1)) * scale[:, :, None]
            self.assertLessEqual(np.abs(back.reshape(16, 64)[:, :48] - w.T).max(), scale.max() / 2 + 1e-6)
            self.assertTrue(np.all(back.reshape(16, 64)[:, 48:] == 0))
        m, _ = self.quantized((8, 32, 4))
        node = next(n for n in ops(m.graph) if n.op_type == "MatMulNBits")
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        self.assertEqual((attrs["K"], attrs["N"], attrs["bits"], attrs["block_size"], attrs["accuracy_level"]), (D, D, 8, 32, 4))

    def test_static_ranges_quantize_each_input_once_with_the_calibrated_scale(self):
        ranges = {"wq": [-2.0, 3.0], "wk": [-2.0, 3.0], "wv": [-2.0, 3.0], "outer_w": [-1.0, 1.0], "then_w": [-1.0, 1.0]}
        with self.assertRaisesRegex(ValueError, "no activation range"):
            self.quantized(ranges={k: v for k, v in ranges.items() if k != "wv"})
        m, _ = self.quantized(ranges=ranges)
        kinds = [n.op_type for n in ops(m.graph)]
        self.assertNotIn("DynamicQuantizeMatMul", kinds)
        self.assertEqual(kinds.count("MatMulIntegerToFloat"), 5)
        # q, k and v read one tensor with one range: one QuantizeLinear; each If branch quantizes in its own scope.
        self.assertEqual(kinds.count("QuantizeLinear"), 3)
        inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        scale, zero = inits["wq_input_scale"], inits["wq_input_zero_point"]
        self.assertEqual(zero.dtype, np.uint8)
        self.assertAlmostEqual(float(scale), 5.0 / 255, places=7)
        self.assertEqual(int(zero), round(2.0 / (5.0 / 255)))
        self.assertEqual(activation_quantization(0.5, 2.0), (np.float32(2.0 / 255), 0), "the range includes 0")


if __name__ == "__main__":
    unittest.main()
