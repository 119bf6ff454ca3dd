"""Hand-computed checks of metrics.py (run: /usr/bin/python3 -m unittest test_metrics, in models/training)."""
import unittest

from metrics import corpus_bleu, corpus_chrf, tokenize_13a


class Tokenizer13aTest(unittest.TestCase):
    def test_splits_punctuation_but_not_decimals_apostrophes_or_inner_hyphens(self):
        self.assertEqual(tokenize_13a("Hello, world!"), "Hello , world !")
        self.assertEqual(tokenize_13a("It costs 3.50 (about)."), "It costs 3.50 ( about ) .")
        self.assertEqual(tokenize_13a("l'homme est-il là ?"), "l'homme est-il là ?")
        self.assertEqual(tokenize_13a("pages 1-2"), "pages 1 - 2")
        self.assertEqual(tokenize_13a("a &amp; b"), "a & b")


class BleuTest(unittest.TestCase):
    def test_identical_is_100(self):
        self.assertAlmostEqual(corpus_bleu(["the cat is on the mat"], [["the cat is on the mat"]])[0], 100.0)

    def test_hand_computed_with_exp_smoothing(self):
        # precisions 5/6, 3/5, 1/4 and, smoothed, 1/(2*3); equal lengths so BP = 1.
        score, details = corpus_bleu(["the cat sat on the mat"], [["the cat is on the mat"]])
        expected = 100 * (5 / 6 * 3 / 5 * 1 / 4 * 1 / 6) ** 0.25
        self.assertAlmostEqual(score, expected, places=6)
        self.assertEqual(details["bp"], 1.0)

    def test_multi_reference_takes_the_best_matches_and_closest_length(self):
        score, details = corpus_bleu(["the cat is on the mat"], [["a dog", "the cat is on the mat"]])
        self.assertAlmostEqual(score, 100.0)
        self.assertEqual(details["ref_len"], 6)

    def test_brevity_penalty(self):
        # hyp 4 tokens, all n-grams match; ref 8 tokens: BP = exp(1 - 8/4).
        score, _ = corpus_bleu(["a b c d"], [["a b c d e f g h"]])
        self.assertAlmostEqual(score, 100 * 2.718281828459045 ** (1 - 2), places=6)


class ChrfTest(unittest.TestCase):
    def test_identical_is_100(self):
        self.assertAlmostEqual(corpus_chrf(["Bonjour le monde"], [["Bonjour le monde"]]), 100.0)

    def test_hand_computed(self):
        # unigrams: P = R = 1/2; bigrams: P = R = 0; higher orders absent from the hypothesis.
        # average P = R = 1/4, F2 = 5 * 1/16 / (4/4 + 1/4) = 0.25
        self.assertAlmostEqual(corpus_chrf(["ab"], [["ac"]]), 25.0)

    def test_whitespace_is_ignored_and_best_reference_is_used(self):
        self.assertAlmostEqual(corpus_chrf(["a b"], [["xy", "ab"]]), 100.0)


if __name__ == "__main__":
    unittest.main()
