"""How many texts of the labelled sentence corpus (tests/fixtures/segmentation/sentences.json) plain ICU splits
exactly into their sentences, with and without its abbreviation suppressions. Debian's ICU through python3-icu:
    /usr/bin/python3 tests/Seq2Seq.Benchmarks/segmentation/icu_corpus.py
The service's own splitter is held to every text of the corpus by SegmentationTests."""
import json
import os
import sys

import icu

corpus_path = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "segmentation", "sentences.json")
corpus = json.load(open(corpus_path, encoding="utf-8"))
print(f"ICU {icu.ICU_VERSION}, {len(corpus)} texts")
for locale in ("en", "en@ss=standard"):
    exact = 0
    for sentences in corpus:
        text = " ".join(sentences)
        breaks = icu.BreakIterator.createSentenceInstance(icu.Locale(locale))
        breaks.setText(text)
        start, pieces = 0, []
        for end in breaks:
            pieces.append(text[start:end].strip())
            start = end
        if pieces == sentences:
            exact += 1
        elif "-v" in sys.argv:
            print(f"  {locale}: {pieces}")
    print(f"{locale}: {exact}/{len(corpus)} split exactly")
