"""What the exports (export.py for MarianMT, rnn_export.py for the GRU) and quantize.py share: the encoder graph
wrapper, the golden decoding files' settings and contents, and the summary an export prints."""
import json

from torch import nn

from bundle_files import bundle_sizes
from decode import beam_search, greedy

# Golden files: the defaults, and the same searches with every logits processor of the spec switched on.
PROCESSORS = dict(repetition_penalty=1.3, no_repeat_ngram_size=3, min_length=5)
GOLDEN_SETTINGS = {
    "greedy": {},
    "beam4": {"num_beams": 4},
    "greedy_processors": PROCESSORS,
    "beam4_processors": {"num_beams": 4, "length_penalty": 0.6, "early_stopping": True, **PROCESSORS},
}


def add_check_arguments(ap):
    """The options both exports take after their own, for the parity checks and the golden files."""
    ap.add_argument("--ort", required=True, help="extracted onnxruntime-node package folder")
    ap.add_argument("--work", required=True, help="scratch folder (git-ignored)")
    ap.add_argument("--n-greedy", type=int, default=200, help="dev sentences for the greedy parity check")
    ap.add_argument("--n-golden", type=int, default=50, help="test sentences in the golden files")
    ap.add_argument("--seed", type=int, default=7)


class EncoderGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.encode(input_ids, attention_mask)


def golden(model, sp, sources_text, settings, bundle_name, with_attention=False):
    """Decodes every source alone, by beam search when settings.num_beams > 1; with_attention adds each output
    token's attention row over the source tokens (rounded to 6 decimals, which the tests' tolerance allows for)."""
    pad, eos = model.cfg.pad_token_id, model.cfg.eos_token_id
    cases = []
    for text in sources_text:
        ids = sp.encode(text) + [eos]
        attention = [] if with_attention else None
        if settings.num_beams > 1:
            out, score, reason = beam_search(model, ids, settings, pad, eos, pad, attention=attention)[0]
        else:
            (out, reason), score = greedy(model, [ids], settings, pad, eos, pad, attention=attention)[0], None
        case = {"source": text, "input_ids": ids, "output_ids": out}
        if score is not None:
            case["score"] = score
        case.update({"finish_reason": reason, "text": sp.decode([t for t in out if t < pad])})
        if with_attention:
            case["attention"] = [[round(w, 6) for w in row] for row in attention[0]]
        cases.append(case)
    return {"model": bundle_name, "settings": settings.to_dict(), "cases": cases}


def print_summary(out, weights, training_state):
    sizes = bundle_sizes(out)
    print(json.dumps({"bundle": out, "weights": weights, "training_state": training_state, "bytes": sizes,
                      "total_bytes": sum(sizes.values())}, indent=1))
