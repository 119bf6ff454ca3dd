"""Greedy and beam search in PyTorch, exactly as docs/decoding.md defines them (the C# engine implements the
same rules, and the golden files written from here are its reference)."""
from dataclasses import asdict, dataclass, field
from typing import List, Optional

import torch
import torch.nn.functional as F


@dataclass
class DecodeSettings:
    max_new_tokens: int = 64
    num_beams: int = 1
    length_penalty: float = 1.0
    early_stopping: bool = False
    num_return_sequences: int = 1
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    min_length: int = 0
    bad_words_ids: List[List[int]] = field(default_factory=list)
    forced_bos_token_id: Optional[int] = None
    forced_eos_token_id: Optional[int] = None

    def to_dict(self):
        """Without forced tokens, the fields the golden files of the bilingual bundles were written with."""
        d = asdict(self)
        for key in ("forced_bos_token_id", "forced_eos_token_id"):
            if d[key] is None:
                del d[key]
        return d


NEG_INF = float("-inf")


def banned_ngram_tokens(seq, n):
    """Tokens that would complete an n-gram already present in seq."""
    if n <= 0 or len(seq) < n:
        return []
    prefix = tuple(seq[len(seq) - n + 1:])
    return [seq[i + n - 1] for i in range(len(seq) - n + 1) if tuple(seq[i:i + n - 1]) == prefix]


def process_logits(logits, seqs, g, s: DecodeSettings, eos_id):
    """logits: [rows, V] raw float32 logits of the last position; seqs: each row's ids including the start token;
    g: tokens generated so far. Returns log-probabilities after the spec's processors."""
    logits = logits.float().clone()
    if s.repetition_penalty != 1.0:
        for r, seq in enumerate(seqs):
            idx = torch.tensor(sorted(set(seq)), dtype=torch.long)
            v = logits[r, idx]
            logits[r, idx] = torch.where(v < 0, v * s.repetition_penalty, v / s.repetition_penalty)
    if s.no_repeat_ngram_size > 0:
        for r, seq in enumerate(seqs):
            banned = banned_ngram_tokens(seq, s.no_repeat_ngram_size)
            if banned:
                logits[r, banned] = NEG_INF
    for word in s.bad_words_ids:
        if len(word) == 1:
            logits[:, word[0]] = NEG_INF
    if g + 1 < s.min_length:
        logits[:, eos_id] = NEG_INF
    if g == 0 and s.forced_bos_token_id is not None:
        logits[:] = NEG_INF
        logits[:, s.forced_bos_token_id] = 0.0
    if g + 1 == s.max_new_tokens and s.forced_eos_token_id is not None:
        logits[:] = NEG_INF
        logits[:, s.forced_eos_token_id] = 0.0
    return F.log_softmax(logits, dim=-1)


class IncrementalDecoder:
    """Runs the decoder one token at a time with a self-attention KV cache; rows can be reordered (beams).
    `attention` is None: this decoder has no attention output."""

    def __init__(self, model, input_ids, attention_mask):
        self.model = model
        self.attention = None
        self.mask = attention_mask
        enc = model.encode(input_ids, attention_mask)
        self.cross = model.model.decoder.cross_kv(enc)
        self.past = None

    def step(self, last_tokens):
        h, self.past = self.model.model.decoder(last_tokens[:, None], self.mask, self.cross, self.past)
        return self.model.logits(h[:, -1])

    def reorder(self, rows):
        if self.past is not None:
            self.past = [(k[rows], v[rows]) for k, v in self.past]
        self.cross = [(k[rows], v[rows]) for k, v in self.cross]
        self.mask = self.mask[rows]


def incremental_decoder(model, input_ids, attention_mask):
    """The model's own step-by-step decoder when it has one (the recurrent model), else the KV-cache one."""
    if hasattr(model, "incremental_decoder"):
        return model.incremental_decoder(input_ids, attention_mask)
    return IncrementalDecoder(model, input_ids, attention_mask)


def pad_batch(sources, pad_id):
    n = max(len(s) for s in sources)
    ids = torch.full((len(sources), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sources), n), dtype=torch.long)
    for r, s in enumerate(sources):
        ids[r, :len(s)] = torch.tensor(s)
        mask[r, :len(s)] = 1
    return ids, mask


@torch.no_grad()
def greedy(model, sources, s: DecodeSettings, start_id, eos_id, pad_id, attention=None):
    """sources: lists of input ids (eos included). Returns [(output_ids, finish_reason)] per source. With a list
    as `attention` (and a decoder that has attention), appends each source's attention rows: one per output
    token, over that source's positions."""
    model.eval()
    ids, mask = pad_batch(sources, pad_id)
    dec = incremental_decoder(model, ids, mask)
    rows = [[] for _ in sources]
    seqs = [[start_id] for _ in sources]
    finished = [False] * len(sources)
    for g in range(s.max_new_tokens):
        logp = process_logits(dec.step(torch.tensor([q[-1] for q in seqs])), seqs, g, s, eos_id)
        nxt = torch.argmax(logp, dim=-1).tolist()
        for r, t in enumerate(nxt):
            if not finished[r]:
                seqs[r].append(t)
                finished[r] = t == eos_id
                if attention is not None:
                    rows[r].append(dec.attention[r, :len(sources[r])].tolist())
        if all(finished):
            break
    if attention is not None:
        attention.extend(rows)
    return [(q[1:], "eos" if q[-1] == eos_id and len(q) > 1 else "length") for q in seqs]


class Finished:
    """At most B finished hypotheses; a new one enters when there is room or it beats the worst. Each keeps its
    attention rows (empty without attention)."""

    def __init__(self, size):
        self.size = size
        self.hyps = []

    def add(self, tokens, score, attention):
        if len(self.hyps) < self.size or score > self.worst():
            self.hyps.append((score, tokens, attention))
            if len(self.hyps) > self.size:
                worst = min(range(len(self.hyps)), key=lambda i: (self.hyps[i][0], i))
                self.hyps.pop(worst)

    def worst(self):
        return min(h[0] for h in self.hyps)


@torch.no_grad()
def beam_search(model, source, s: DecodeSettings, start_id, eos_id, pad_id, attention=None):
    """One input. Returns [(output_ids, score, finish_reason)], best first, num_return_sequences of them. With a
    list as `attention`, appends the attention rows of each returned hypothesis (one row per output token)."""
    model.eval()
    B = s.num_beams
    ids, mask = pad_batch([source], pad_id)
    dec = incremental_decoder(model, ids, mask)
    dec.reorder(torch.zeros(B, dtype=torch.long))
    beams = [[start_id] for _ in range(B)]
    hist = [[] for _ in range(B)]
    cum = torch.tensor([0.0] + [-1e9] * (B - 1))
    fin = Finished(B)
    lp = s.length_penalty
    done = False
    for g in range(s.max_new_tokens):
        logp = process_logits(dec.step(torch.tensor([b[-1] for b in beams])), beams, g, s, eos_id)
        V = logp.shape[1]
        cand = (cum[:, None] + logp).reshape(-1)
        # Stable descending sort: equal scores keep the lower flat index first.
        order = torch.sort(cand, descending=True, stable=True).indices[:2 * B].tolist()
        step_rows = dec.attention.tolist() if attention is not None else None
        next_beams, next_cum, rows, next_hist = [], [], [], []
        for r, flat in enumerate(order):
            beam, tok = divmod(flat, V)
            score = float(cand[flat])
            grown = hist[beam] + [step_rows[beam]] if step_rows is not None else []
            if tok == eos_id:
                if r < B:
                    fin.add(beams[beam][1:] + [eos_id], score / ((g + 1) ** lp), grown)
                continue
            next_beams.append(beams[beam] + [tok])
            next_hist.append(grown)
            next_cum.append(score)
            rows.append(beam)
            if len(next_beams) == B:
                break
        beams, cum, hist = next_beams, torch.tensor(next_cum), next_hist
        dec.reorder(torch.tensor(rows))
        n_gen = g + 1
        if len(fin.hyps) >= B:
            if s.early_stopping or fin.worst() >= float(cum.max()) / (n_gen ** lp):
                done = True
                break
    if not done:
        n_gen = len(beams[0]) - 1
        for i in torch.sort(cum, descending=True, stable=True).indices.tolist():
            fin.add(beams[i][1:], float(cum[i]) / (n_gen ** lp), hist[i])
    ranked = sorted(fin.hyps, key=lambda h: -h[0])[:s.num_return_sequences]
    if attention is not None:
        attention.extend(a for _, _, a in ranked)
    return [(toks, score, "eos" if toks and toks[-1] == eos_id else "length") for score, toks, _ in ranked]
