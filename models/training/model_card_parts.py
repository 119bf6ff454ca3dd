"""What both model cards (model_card.py, rnn_model_card.py) read and write alike: the evaluation results, the
training log, the bundle's config and file sizes, and the sections whose text they share."""
import json
import os
from types import SimpleNamespace

from bundle_files import bundle_sizes
from metrics import corpus_chrf

DATA_CREDIT = ("Tatoeba English–French sentence pairs as distributed by ManyThings.org "
               "(<https://www.manythings.org/anki/>), from the Tatoeba Project (<https://tatoeba.org>), "
               "licensed CC-BY 2.0 France (<https://creativecommons.org/licenses/by/2.0/fr/>). "
               "Sentences and translations are by Tatoeba's contributors.")

# Source+target tokens of one pass over the training split, as prep.py reports it.
TRAIN_TOKENS_PER_EPOCH = 2910613


def add_input_arguments(ap):
    """What read_inputs reads; the first options of both cards."""
    ap.add_argument("--results", required=True, help="evaluate.py output")
    ap.add_argument("--log", required=True, help="the run's train.log")
    ap.add_argument("--bundle", required=True)


def add_provenance_arguments(ap):
    """When the run trained and the commands that evaluated and exported it; the last options of both cards."""
    ap.add_argument("--date", required=True, help="when the run trained and was evaluated")
    ap.add_argument("--eval-command", required=True)
    ap.add_argument("--export-command", required=True)


def read_log(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("{"):
                events.append(json.loads(line))
    return events


def samples(results, run, n_good, n_bad):
    """Best and worst test translations by sentence chrF against their best reference."""
    hyps = results["runs"][run]["hypotheses"]
    scored = [(corpus_chrf([h], [r]), s, h, r) for s, h, r in zip(results["sources"], hyps, results["refs"])]
    ranked = sorted(scored, key=lambda x: -x[0])
    good = [x for x in ranked if x[0] >= 99.99][:n_good] or ranked[:n_good]
    return good, ranked[::-1][:n_bad]


def table_rows(rows):
    cell = lambda t: str(t).replace("|", "\\|")
    return "\n".join(f"| {cell(s)} | {cell(h)} | {cell(' / '.join(r))} |" for _, s, h, r in rows)


def read_inputs(results_path, log_path, bundle):
    """Everything a card takes from the run: `res` (evaluate.py output), `cfg` (config.json), `start` (the last
    (re)start event, whose budget is the one in force at the end: a run can be extended on resume), `devs`,
    `state`, `sizes`, `median_tps`, the `good`/`bad` beam-4 samples and the `greedy`/`beam` scores."""
    with open(results_path, encoding="utf-8") as f:
        res = json.load(f)
    with open(os.path.join(bundle, "config.json")) as f:
        cfg = json.load(f)
    events = read_log(log_path)
    tps = sorted(e["tokens_per_s"] for e in events if e["event"] == "train")
    good, bad = samples(res, "beam4", 10, 10)
    return SimpleNamespace(
        res=res, cfg=cfg, state=res["training_state"], sizes=bundle_sizes(bundle),
        start=[e for e in events if e["event"] == "start"][-1],
        devs=[e for e in events if e["event"] == "dev"],
        median_tps=tps[len(tps) // 2] if tps else 0,
        good=good, bad=bad, greedy=res["runs"]["greedy"], beam=res["runs"]["beam4"])


def data_section(card, splits_note=""):
    res = card.res
    return f"""## Data

{DATA_CREDIT}

141,324 pairs, 141,319 after removing exact duplicates. Split by English sentence (no English sentence in two
splits): test 1,000 English sentences with all their translations ({res['references']:,} references, used as
multiple references), dev 1,000, training the remaining 138,434 pairs{splits_note}."""


def size_row(card):
    sizes = card.sizes
    return f"| bundle size | {sum(sizes.values()):,} bytes ({', '.join(f'{k} {v:,}' for k, v in sizes.items())}) |"


def training_amount(card):
    """Weights, steps, tokens, passes and minutes of training, ending before the hardware."""
    res, state = card.res, card.state
    return f"""Weights: {res['weights']}. {state['step']:,} steps, {state['tokens']:,} source+target tokens
({state['tokens'] / TRAIN_TOKENS_PER_EPOCH:.1f} passes over the training data), {state['train_seconds'] / 60:.0f} minutes of training"""


def last_dev_loss(card):
    return card.devs[-1]['dev_loss'] if card.devs else 'n/a'


def quality_heading(card):
    res = card.res
    return f"## Quality (test split, {res['sentences']:,} sentences, {res['references']:,} references)"


def samples_section(card):
    return f"""## Sample translations (beam 4, test split)

Good (exactly one of the references):

| English | model | references |
|---|---|---|
{table_rows(card.good)}

Bad (lowest sentence chrF):

| English | model | references |
|---|---|---|
{table_rows(card.bad)}
"""


def write_card(bundle, text):
    with open(os.path.join(bundle, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write(text)
