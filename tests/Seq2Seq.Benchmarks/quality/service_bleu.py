"""BLEU of a running service on the default model's own held-out data, through the native API, under several
request options: the test split's sentences one by one, and 300 three-sentence paragraphs made from consecutive
dev-split sentences, sent whole (segmented by the service, or unsplit) and sentence by sentence. Also prints how
many outputs repeat a word 3-gram (a looping decoder) and the model card's looping samples.

usage: python3 service_bleu.py --tsv ../shared/data/tatoeba-fra-eng/fra-eng.tsv --url http://127.0.0.1:5000
       [--options '{"no_repeat_ngram_size": 3}' ...]   (each --options is one configuration; none: the defaults)
"""
import argparse
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "models", "training"))
from metrics import corpus_bleu  # noqa: E402
from splits import dedupe, read_pairs, split_by_source  # noqa: E402

LOOPING = ["Please allow me to go.", "Please handle it with the utmost care."]


def grouped(pairs):
    refs = {}
    for en, fr in pairs:
        refs.setdefault(en, []).append(fr)
    return list(refs), [refs[s] for s in refs]


def translate(url, texts, options, batch=64):
    out = []
    for start in range(0, len(texts), batch):
        body = {"texts": texts[start:start + batch]}
        if options:
            body["options"] = options
        request = urllib.request.Request(url + "/translate", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as answer:
            out += [t["text"] for t in json.load(answer)["translations"]]
    return out


def loops(texts):
    def repeats(text):
        words = text.lower().split()
        grams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
        return len(grams) != len(set(grams))
    return sum(repeats(t) for t in texts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tsv", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--options", action="append", default=None, help="generation options as JSON; repeatable")
    ap.add_argument("--paragraphs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1234, help="prep.py's split seed (the default model's)")
    args = ap.parse_args()

    _, dev, test = split_by_source(dedupe(read_pairs(args.tsv)), 1000, 1000, args.seed)
    sources, references = grouped(test)
    dev_sources, dev_refs = grouped(dev)
    paragraphs = [dev_sources[3 * i:3 * i + 3] for i in range(args.paragraphs)]
    paragraph_refs = [[" ".join(dev_refs[3 * i + k][0] for k in range(3))] for i in range(args.paragraphs)]
    flat = [s for p in paragraphs for s in p]

    for raw in args.options or ["{}"]:
        options = json.loads(raw)
        sentences = translate(args.url, sources, options)
        whole = translate(args.url, [" ".join(p) for p in paragraphs], options)
        unsplit = translate(args.url, [" ".join(p) for p in paragraphs], {**options, "split_sentences": "0"})
        one_by_one = translate(args.url, flat, options)
        joined = [" ".join(one_by_one[3 * i:3 * i + 3]) for i in range(args.paragraphs)]
        short = sum(len(w) < 0.8 * len(j) for w, j in zip(whole, joined))
        print(json.dumps({
            "options": options,
            "test_sentences_bleu": round(corpus_bleu(sentences, references)[0], 2),
            "paragraphs_bleu": round(corpus_bleu(whole, paragraph_refs)[0], 2),
            "paragraphs_unsplit_bleu": round(corpus_bleu(unsplit, paragraph_refs)[0], 2),
            "paragraphs_sentence_by_sentence_bleu": round(corpus_bleu(joined, paragraph_refs)[0], 2),
            "paragraphs_shorter_than_80pc": short,
            "test_outputs_repeating_a_3gram": loops(sentences),
            "looping_samples": dict(zip(LOOPING, translate(args.url, LOOPING, options))),
        }, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
