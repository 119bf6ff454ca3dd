"""fused_export.py on a small random MarianMT: its files hold every parameter under its PyTorch name (onnx_weights
reads the exact module back, with and without a final_logits_bias), the graphs use the fused operators they are
written for, and, when ORT_NODE_PACKAGE names an extracted onnxruntime-node package, ONNX Runtime's outputs match
PyTorch's (parity.check_tensors and check_join, as export.py runs them).
run: /usr/bin/python3 -m unittest test_fused_export, in models/training."""
import json
import os
import tempfile
import unittest

import onnx
import torch

import fused_export
from marian import MarianMT, MarianSize
from onnx_weights import load_bundle
from parity import Report, check_join, check_tensors

PAD = 49


def small_model(seed, logits_bias):
    torch.manual_seed(seed)
    cfg = MarianSize(vocab_size=50, d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                     decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
                     pad_token_id=PAD)
    model = MarianMT(cfg)
    model.init_weights(std=0.3)
    if logits_bias:
        with torch.no_grad():
            model.final_logits_bias.normal_()
    return model.eval()


def nodes(path):
    """Every node of the file, If branches included."""
    found = []

    def walk(graph):
        for node in graph.node:
            found.append(node)
            for attribute in node.attribute:
                if attribute.type == onnx.AttributeProto.GRAPH:
                    walk(attribute.g)
    walk(onnx.load(path).graph)
    return found


def ops(path):
    return {node.op_type for node in nodes(path)}


class FusedExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)

    def export(self, folder, model):
        paths = fused_export.export_all(model, folder)
        with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
            json.dump(model.cfg.to_dict(), f)
        return paths

    def test_weights_read_back(self):
        for logits_bias in (False, True):
            with self.subTest(logits_bias=logits_bias), tempfile.TemporaryDirectory() as folder:
                model = small_model(3, logits_bias)
                self.export(folder, model)
                back = load_bundle(folder).state_dict()
                for name, value in model.state_dict().items():
                    self.assertTrue(torch.equal(back[name], value), name)

    def test_fused_operators(self):
        for logits_bias in (False, True):
            with self.subTest(logits_bias=logits_bias), tempfile.TemporaryDirectory() as folder:
                paths = self.export(folder, small_model(4, logits_bias))
                self.assertLessEqual({"MultiHeadAttention", "Gemm", "LayerNormalization", "QuickGelu"},
                                     ops(paths["encoder_model"]))
                merged = nodes(paths["decoder_model_merged"])
                attention = [n for n in merged if n.op_type == "MultiHeadAttention"]
                # Both branches: two self-attentions, and the first layer's cross-attention (the last layer's is
                # plain operators, for cross_attentions).
                self.assertEqual(6, len(attention))
                self.assertFalse([n for n in merged if n.op_type == "Concat" and "present" in "".join(n.output)])
                logits = [n.op_type for n in merged if "logits" in n.output and n.op_type != "If"]
                self.assertEqual(["Add", "Add"] if logits_bias else ["MatMul", "MatMul"], logits)

    @unittest.skipUnless(os.environ.get("ORT_NODE_PACKAGE"), "ORT_NODE_PACKAGE names no onnxruntime-node package")
    def test_onnx_runtime_matches_pytorch(self):
        sources = [[5, 9, 13, 2, 0], [7, 3, 0], [11, 4, 8, 0]]
        for logits_bias in (False, True):
            with self.subTest(logits_bias=logits_bias), tempfile.TemporaryDirectory() as folder:
                model = small_model(5, logits_bias)
                paths = self.export(folder, model)
                report = Report()
                check_tensors(model, paths, os.environ["ORT_NODE_PACKAGE"], os.path.join(folder, "t"), report,
                              sources, PAD, PAD)
                check_join(model, paths, os.environ["ORT_NODE_PACKAGE"], os.path.join(folder, "j"), report,
                           sources, PAD, PAD)
                self.assertTrue(report.ok(), report.rows)


if __name__ == "__main__":
    unittest.main()
