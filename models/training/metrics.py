"""Corpus BLEU and chrF computed the way sacreBLEU 2.x computes them by default (there is no sacrebleu package
here): BLEU with the 13a tokenizer, exponential smoothing, closest reference length, several references per
segment; chrF with character n-grams up to 6, beta 2, whitespace removed, best reference per segment."""
import math
import re
from collections import Counter

_13A_RULES = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def tokenize_13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in line:
        line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = f" {line} "
    for pattern, repl in _13A_RULES:
        line = pattern.sub(repl, line)
    return " ".join(line.split())


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hypotheses, references, max_order=4):
    """hypotheses: list of str; references: list of lists of str (any number per segment).
    Returns (score, details)."""
    correct, total = [0] * max_order, [0] * max_order
    sys_len = ref_len = 0
    for hyp, refs in zip(hypotheses, references):
        h = tokenize_13a(hyp).split()
        rs = [tokenize_13a(r).split() for r in refs]
        sys_len += len(h)
        ref_len += min((abs(len(r) - len(h)), len(r)) for r in rs)[1]
        for n in range(1, max_order + 1):
            hyp_counts = _ngrams(h, n)
            max_ref = Counter()
            for r in rs:
                for gram, c in _ngrams(r, n).items():
                    max_ref[gram] = max(max_ref[gram], c)
            correct[n - 1] += sum(min(c, max_ref[g]) for g, c in hyp_counts.items())
            total[n - 1] += max(0, len(h) - n + 1)
    precisions = [0.0] * max_order
    smooth = 1.0
    for n in range(max_order):
        if total[n] == 0:
            break
        if correct[n] == 0:
            smooth *= 2
            precisions[n] = 100.0 / (smooth * total[n])
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    bp = 0.0 if sys_len == 0 else 1.0 if sys_len >= ref_len else math.exp(1 - ref_len / sys_len)
    score = 0.0 if min(precisions) <= 0 else bp * math.exp(sum(math.log(p) for p in precisions) / max_order)
    details = {"precisions": [round(p, 2) for p in precisions], "sys_len": sys_len, "ref_len": ref_len,
               "bp": round(bp, 4)}
    return score, details


def _char_stats(hyp, ref, order):
    h, r = "".join(hyp.split()), "".join(ref.split())
    stats = []
    for n in range(1, order + 1):
        hc = Counter(h[i:i + n] for i in range(len(h) - n + 1))
        rc = Counter(r[i:i + n] for i in range(len(r) - n + 1))
        stats += [sum(hc.values()), sum(rc.values()), sum((hc & rc).values())]
    return stats


def _chrf_from_stats(stats, order, beta):
    factor = beta ** 2
    avg_p = avg_r = 0.0
    effective = 0
    for i in range(order):
        n_hyp, n_ref, n_match = stats[3 * i:3 * i + 3]
        if n_hyp > 0 and n_ref > 0:
            avg_p += n_match / n_hyp
            avg_r += n_match / n_ref
            effective += 1
    if effective == 0:
        return 0.0
    avg_p /= effective
    avg_r /= effective
    if avg_p + avg_r == 0:
        return 0.0
    return 100.0 * (1 + factor) * avg_p * avg_r / (factor * avg_p + avg_r)


def corpus_chrf(hypotheses, references, order=6, beta=2):
    total = [0] * (3 * order)
    for hyp, refs in zip(hypotheses, references):
        best, best_score = None, -1.0
        for ref in refs:
            stats = _char_stats(hyp, ref, order)
            score = _chrf_from_stats(stats, order, beta)
            if score > best_score:
                best, best_score = stats, score
        total = [a + b for a, b in zip(total, best)]
    return _chrf_from_stats(total, order, beta)
