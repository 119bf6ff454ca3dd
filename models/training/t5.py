"""T5 (T5 v1.0, v1.1, mT5 and Flan-T5) in plain PyTorch, following Hugging Face's modeling_t5.py, with its
parameter names (shared, encoder.block.{i}.layer.{j}..., lm_head):

- pre-norm blocks whose norm is an RMS LayerNorm (scale only, no mean, no bias), a final one after each stack;
- attention projections without biases, of num_heads heads of d_kv each (d_kv need not be d_model / num_heads),
  and no 1/sqrt(d_kv) scaling of the scores;
- no position embeddings: the first block of each stack holds a table of num_buckets biases per head, added to
  the self-attention scores of every block; a key-query distance falls in one bucket per distance up to half the
  buckets' range, then logarithmically wider ones up to max_distance. The encoder tells the two directions apart
  (half the buckets each), the decoder's buckets count only distances into the past. Cross-attention has no bias;
- the feed-forward per feed_forward_proj: "relu" (T5 v1.0) or "gated-gelu" (v1.1, mT5, Flan-T5: tanh-approximated
  GELU of one projection times another);
- the output projection: with tie_word_embeddings (v1.0), the shared embedding after scaling the decoder's output
  by d_model^-0.5; without (v1.1 and later), lm_head of its own.

It has the interface onnx_export.export_all drives (model.model.decoder.cross_kv, the decoder's cache and
decoder_attention_mask, model.encode, model.logits). With a decoder_attention_mask whose zeros mark padding slots
in the cache, positions are counted over real slots only, so that the relative distances of a row's tokens do not
depend on the padding in front of them."""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from marian import neg_min, padding_mask


@dataclass
class T5Size:
    vocab_size: int
    d_model: int = 32
    d_kv: int = 12
    d_ff: int = 48
    num_layers: int = 2
    num_decoder_layers: int = 3
    num_heads: int = 3
    relative_attention_num_buckets: int = 8
    relative_attention_max_distance: int = 20
    feed_forward_proj: str = "gated-gelu"
    tie_word_embeddings: bool = False
    layer_norm_epsilon: float = 1e-6
    pad_token_id: int = 0
    eos_token_id: int = 1

    # The names export_all reads (BART's).
    @property
    def decoder_layers(self):
        return self.num_decoder_layers

    @property
    def decoder_attention_heads(self):
        return self.num_heads

    @property
    def head_dim(self):
        return self.d_kv

    def to_dict(self):
        return asdict(self)


class RmsNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, h):
        variance = h.pow(2).mean(-1, keepdim=True)
        return self.weight * (h * torch.rsqrt(variance + self.eps))


def relative_bucket(relative, bidirectional, num_buckets, max_distance):
    """The bucket of each key position minus query position."""
    buckets = torch.zeros_like(relative)
    if bidirectional:
        num_buckets //= 2
        buckets = buckets + (relative > 0).long() * num_buckets
        distance = relative.abs()
    else:
        distance = (-relative).clamp(min=0)
    exact = num_buckets // 2
    # log(0) on exact distances is computed and discarded by the where.
    wide = exact + (torch.log(distance.float() / exact) / math.log(max_distance / exact)
                    * (num_buckets - exact)).long()
    wide = wide.clamp(max=num_buckets - 1)
    return buckets + torch.where(distance < exact, distance, wide)


class Attention(nn.Module):
    def __init__(self, cfg, relative_bias=False, bidirectional=True):
        super().__init__()
        inner = cfg.num_heads * cfg.d_kv
        self.heads, self.d_kv = cfg.num_heads, cfg.d_kv
        self.q = nn.Linear(cfg.d_model, inner, bias=False)
        self.k = nn.Linear(cfg.d_model, inner, bias=False)
        self.v = nn.Linear(cfg.d_model, inner, bias=False)
        self.o = nn.Linear(inner, cfg.d_model, bias=False)
        self.bidirectional = bidirectional
        self.num_buckets, self.max_distance = cfg.relative_attention_num_buckets, cfg.relative_attention_max_distance
        if relative_bias:
            self.relative_attention_bias = nn.Embedding(cfg.relative_attention_num_buckets, cfg.num_heads)

    def split_heads(self, x):
        b, t, _ = x.shape
        return x.reshape(b, t, self.heads, self.d_kv).transpose(1, 2)

    def project_kv(self, states):
        return self.split_heads(self.k(states)), self.split_heads(self.v(states))

    def position_bias(self, query_positions, key_positions):
        """[b, heads, q, k] from positions [b, q] and [b, k] (or 1 for b)."""
        relative = key_positions[:, None, :] - query_positions[:, :, None]
        buckets = relative_bucket(relative, self.bidirectional, self.num_buckets, self.max_distance)
        return self.relative_attention_bias(buckets).permute(0, 3, 1, 2)

    def forward(self, x, k, v, bias):
        """x: [b, tq, d]; k, v: [b, heads, tk, d_kv]; bias: additive, position bias and mask, broadcastable to
        [b, heads, tq, tk]. Returns the output and the attention probabilities."""
        b, tq, _ = x.shape
        scores = torch.matmul(self.split_heads(self.q(x)), k.transpose(-1, -2)) + bias
        probs = F.softmax(scores.float(), dim=-1).type_as(scores)
        return self.o(torch.matmul(probs, v).transpose(1, 2).reshape(b, tq, self.heads * self.d_kv)), probs


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class DenseReluDense(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gated = cfg.feed_forward_proj == "gated-gelu"
        if self.gated:
            self.wi_0 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
            self.wi_1 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        elif cfg.feed_forward_proj == "relu":
            self.wi = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        else:
            raise ValueError(f"feed_forward_proj {cfg.feed_forward_proj!r}: relu or gated-gelu")
        self.wo = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)

    def forward(self, h):
        return self.wo(gelu_tanh(self.wi_0(h)) * self.wi_1(h) if self.gated else F.relu(self.wi(h)))


class SelfAttentionLayer(nn.Module):
    def __init__(self, cfg, relative_bias, bidirectional):
        super().__init__()
        self.SelfAttention = Attention(cfg, relative_bias, bidirectional)
        self.layer_norm = RmsNorm(cfg.d_model, cfg.layer_norm_epsilon)


class CrossAttentionLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.EncDecAttention = Attention(cfg)
        self.layer_norm = RmsNorm(cfg.d_model, cfg.layer_norm_epsilon)


class FeedForwardLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.DenseReluDense = DenseReluDense(cfg)
        self.layer_norm = RmsNorm(cfg.d_model, cfg.layer_norm_epsilon)

    def forward(self, h):
        return h + self.DenseReluDense(self.layer_norm(h))


class Block(nn.Module):
    def __init__(self, cfg, is_decoder, first):
        super().__init__()
        layers = [SelfAttentionLayer(cfg, first, not is_decoder)]
        if is_decoder:
            layers.append(CrossAttentionLayer(cfg))
        self.layer = nn.ModuleList(layers + [FeedForwardLayer(cfg)])

    def self_attention(self, h, bias, past=None):
        sub = self.layer[0]
        x = sub.layer_norm(h)
        k, v = sub.SelfAttention.project_kv(x)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        out, _ = sub.SelfAttention(x, k, v, bias)
        return h + out, (k, v)


class Encoder(nn.Module):
    def __init__(self, cfg, shared):
        super().__init__()
        self.embed_tokens = shared
        self.block = nn.ModuleList([Block(cfg, False, i == 0) for i in range(cfg.num_layers)])
        self.final_layer_norm = RmsNorm(cfg.d_model, cfg.layer_norm_epsilon)

    def forward(self, input_ids, attention_mask):
        h = self.embed_tokens(input_ids)
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :]
        bias = self.block[0].layer[0].SelfAttention.position_bias(positions, positions)
        bias = bias + padding_mask(attention_mask, h.dtype)
        for block in self.block:
            h, _ = block.self_attention(h, bias)
            h = block.layer[1](h)
        return self.final_layer_norm(h)


class Decoder(nn.Module):
    def __init__(self, cfg, shared):
        super().__init__()
        self.embed_tokens = shared
        self.block = nn.ModuleList([Block(cfg, True, i == 0) for i in range(cfg.num_decoder_layers)])
        self.final_layer_norm = RmsNorm(cfg.d_model, cfg.layer_norm_epsilon)

    @property
    def layers(self):
        """The blocks, under the name export_all counts them by."""
        return self.block

    def cross_kv(self, encoder_states):
        return [block.layer[1].EncDecAttention.project_kv(encoder_states) for block in self.block]

    def forward(self, input_ids, encoder_attention_mask, cross, past_self=None, self_attention_mask=None,
                return_cross=False):
        """cross: per-block encoder (k, v); past_self: per-block self (k, v) or None. self_attention_mask:
        optional [b, past + t] (or broadcastable) of 1/0 over past and new positions, 0 marking padding slots of the
        cache; a slot's position is the count of real slots before it. With past_self, only the new positions'
        rows of the bias are computed, from the past's length. Returns hidden states and per-block self (k, v)
        including the new positions; with return_cross, also the last block's cross-attention probabilities
        averaged over heads [b, t, source_len]."""
        past_len = 0 if past_self is None else past_self[0][0].shape[2]
        b, t = input_ids.shape
        h = self.embed_tokens(input_ids)
        full = torch.ones(1, past_len + t, dtype=torch.long, device=input_ids.device) if self_attention_mask is None \
            else self_attention_mask.expand(b, past_len + t)
        positions = torch.cumsum(full, dim=1) - 1
        bias = self.block[0].layer[0].SelfAttention.position_bias(positions[:, past_len:], positions)
        slot = torch.arange(past_len + t, device=input_ids.device)
        future = (slot[None, :] > slot[past_len:, None]).to(h.dtype)[None, None] * neg_min(h.dtype)
        bias = bias + torch.minimum(future, padding_mask(full, h.dtype))
        enc_mask = padding_mask(encoder_attention_mask, h.dtype)
        presents, probs = [], None
        for i, block in enumerate(self.block):
            h, kv = block.self_attention(h, bias, None if past_self is None else past_self[i])
            sub = block.layer[1]
            out, probs = sub.EncDecAttention(sub.layer_norm(h), cross[i][0], cross[i][1], enc_mask)
            h = block.layer[2](h + out)
            presents.append(kv)
        h = self.final_layer_norm(h)
        return (h, presents, probs.mean(dim=1)) if return_cross else (h, presents)


class T5(nn.Module):
    def __init__(self, cfg: T5Size):
        super().__init__()
        self.cfg = cfg
        self.shared = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.encoder = Encoder(cfg, self.shared)
        self.decoder = Decoder(cfg, self.shared)
        if not cfg.tie_word_embeddings:
            self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)

    @property
    def model(self):
        """Itself: export_all reaches the decoder as model.model.decoder (BART's layout); T5 keeps it at the top."""
        return self

    def init_random(self, generator, std):
        """Random weights, the norms' scales near 1. Without score scaling, wide query and key projections would
        make every attention one-hot, so they are drawn narrower than the rest."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("layer_norm.weight"):
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=generator))
                elif name.endswith((".q.weight", ".k.weight")):
                    p.copy_(std / math.sqrt(self.cfg.d_model) * torch.randn(p.shape, generator=generator))
                else:
                    p.copy_(std * torch.randn(p.shape, generator=generator))

    def logits(self, h):
        if self.cfg.tie_word_embeddings:
            return F.linear(h * self.cfg.d_model ** -0.5, self.shared.weight)
        return self.lm_head(h)

    def encode(self, input_ids, attention_mask):
        return self.encoder(input_ids, attention_mask)

    def forward(self, input_ids, attention_mask, decoder_input_ids):
        enc = self.encode(input_ids, attention_mask)
        h, _ = self.decoder(decoder_input_ids, attention_mask, self.decoder.cross_kv(enc))
        return self.logits(h)
