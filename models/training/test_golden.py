"""The committed golden decoding files come out of export_common.golden again: the default Transformer's weights
read back from its ONNX initializers (its first cases; all of them would take minutes), the tiny GRU rebuilt from
its seed (every case). Tokens, texts and finish reasons must be equal; scores and attention weights may move by
float rounding (run: /usr/bin/python3 -m unittest test_golden, in models/training)."""
import json
import os
import unittest

import sentencepiece as spm
import torch

from decode import DecodeSettings
from export_common import GOLDEN_SETTINGS, golden
from onnx_weights import load_bundle
from rnn_export import tiny_model

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIXTURES = os.path.join(REPO, "tests", "fixtures")
# The seed rnn_export.py uses by default, which made tests/fixtures/tiny-gru.
GRU_SEED = 7
MARIAN_CASES = 5
TOLERANCE = 1e-5


def committed(bundle, name):
    with open(os.path.join(FIXTURES, "golden", bundle, f"{name}.json"), encoding="utf-8") as f:
        return json.load(f)


class GoldenFilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)

    def assert_close(self, got, expected, path):
        if isinstance(expected, float):
            self.assertAlmostEqual(got, expected, delta=TOLERANCE, msg=path)
        elif isinstance(expected, dict):
            self.assertEqual(list(got), list(expected), path)
            for key in expected:
                self.assert_close(got[key], expected[key], f"{path}.{key}")
        elif isinstance(expected, list) and expected and isinstance(expected[0], (dict, list, float)):
            self.assertEqual(len(got), len(expected), path)
            for i, (g, e) in enumerate(zip(got, expected)):
                self.assert_close(g, e, f"{path}[{i}]")
        else:
            self.assertEqual(got, expected, path)

    def assert_regenerated(self, model, bundle, tokenizer, n_cases=None):
        sp = spm.SentencePieceProcessor(model_file=os.path.join(tokenizer, "source.spm"))
        for name in GOLDEN_SETTINGS:
            with self.subTest(bundle=bundle, file=name):
                expected = committed(bundle, name)
                expected["cases"] = expected["cases"][:n_cases]
                settings = DecodeSettings(**expected["settings"])
                sources = [case["source"] for case in expected["cases"]]
                with_attention = "attention" in expected["cases"][0]
                # Through JSON as the export writes it, so values compare as they were stored.
                got = json.loads(json.dumps(golden(model, sp, sources, settings, bundle, with_attention)))
                self.assert_close(got, expected, name)

    def test_default_transformer(self):
        folder = os.path.join(REPO, "models", "marian-tatoeba-en-fr")
        self.assert_regenerated(load_bundle(folder).eval(), "marian-tatoeba-en-fr", folder, MARIAN_CASES)

    def test_tiny_gru(self):
        with open(os.path.join(FIXTURES, "tiny-gru", "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        self.assert_regenerated(tiny_model(len(vocab), vocab["<pad>"], vocab["</s>"], GRU_SEED), "tiny-gru",
                                os.path.join(FIXTURES, "tiny-gru"))


if __name__ == "__main__":
    unittest.main()
