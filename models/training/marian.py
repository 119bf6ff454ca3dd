"""MarianMT in plain PyTorch: the computation of Hugging Face's MarianMTModel, with the same parameter names
(so `state_dict()` loads into transformers' MarianMTModel with the matching config).

Post-layer-norm Transformer, swish activations, embeddings scaled by sqrt(d_model), Marian's sinusoidal
positions (sines in the first half of the channels, cosines in the second), one embedding matrix shared by
encoder, decoder and the output projection, plus `final_logits_bias`.
"""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class MarianSize:
    vocab_size: int
    d_model: int = 256
    encoder_layers: int = 3
    decoder_layers: int = 3
    encoder_attention_heads: int = 4
    decoder_attention_heads: int = 4
    encoder_ffn_dim: int = 1024
    decoder_ffn_dim: int = 1024
    max_position_embeddings: int = 256
    dropout: float = 0.1
    attention_dropout: float = 0.0
    activation_dropout: float = 0.0
    pad_token_id: int = -1
    eos_token_id: int = 0

    def to_dict(self):
        return asdict(self)


def marian_positions(n_pos, dim):
    """Sinusoid table: column k < dim/2 holds sin(pos * w_k), column dim/2 + k holds cos(pos * w_k)."""
    half = dim // 2
    pos = torch.arange(n_pos, dtype=torch.float64)[:, None]
    freq = torch.pow(10000.0, -torch.arange(0, dim, 2, dtype=torch.float64) / dim)[None, :half]
    table = torch.zeros(n_pos, dim, dtype=torch.float64)
    table[:, :half] = torch.sin(pos * freq)
    table[:, half:half + freq.shape[1]] = torch.cos(pos * freq)[:, :dim - half]
    return table.float()


class PositionTable(nn.Module):
    def __init__(self, n_pos, dim):
        super().__init__()
        self.weight = nn.Parameter(marian_positions(n_pos, dim), requires_grad=False)

    def forward(self, start, length):
        ids = torch.arange(length, dtype=torch.long, device=self.weight.device) + start
        return F.embedding(ids, self.weight)


def neg_min(dtype):
    return torch.finfo(dtype).min


class Attention(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.scaling = self.head_dim ** -0.5
        self.dropout = dropout
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def split_heads(self, x):
        b, t, _ = x.shape
        return x.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)

    def project_kv(self, states):
        return self.split_heads(self.k_proj(states)), self.split_heads(self.v_proj(states))

    def forward(self, x, k, v, mask, return_weights=False):
        """x: [b, tq, d]; k, v: [b, heads, tk, head_dim]; mask: additive, broadcastable to [b, 1, tq, tk].
        With return_weights, also the attention probabilities [b, heads, tq, tk]."""
        b, tq, d = x.shape
        q = self.split_heads(self.q_proj(x) * self.scaling)
        w = torch.matmul(q, k.transpose(-1, -2)) + mask
        w = F.softmax(w, dim=-1)
        probs = w
        w = F.dropout(w, p=self.dropout, training=self.training)
        out = self.out_proj(torch.matmul(w, v).transpose(1, 2).reshape(b, tq, d))
        return (out, probs) if return_weights else out


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.self_attn = Attention(d, cfg.encoder_attention_heads, cfg.attention_dropout)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, cfg.encoder_ffn_dim)
        self.fc2 = nn.Linear(cfg.encoder_ffn_dim, d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.dropout, self.act_dropout = cfg.dropout, cfg.activation_dropout

    def forward(self, h, mask):
        k, v = self.self_attn.project_kv(h)
        h = self.self_attn_layer_norm(h + F.dropout(self.self_attn(h, k, v, mask), self.dropout, self.training))
        ff = F.dropout(F.silu(self.fc1(h)), self.act_dropout, self.training)
        return self.final_layer_norm(h + F.dropout(self.fc2(ff), self.dropout, self.training))


class DecoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.self_attn = Attention(d, cfg.decoder_attention_heads, cfg.attention_dropout)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, cfg.decoder_attention_heads, cfg.attention_dropout)
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, cfg.decoder_ffn_dim)
        self.fc2 = nn.Linear(cfg.decoder_ffn_dim, d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.dropout, self.act_dropout = cfg.dropout, cfg.activation_dropout

    def forward(self, h, self_mask, enc_mask, past_self, cross_kv):
        """past_self: (k, v) of earlier positions or None; cross_kv: (k, v) of the encoder states.
        Returns the new hidden states, this layer's full self-attention (k, v) and its cross-attention
        probabilities [b, heads, t, source_len]."""
        k, v = self.self_attn.project_kv(h)
        if past_self is not None:
            k = torch.cat([past_self[0], k], dim=2)
            v = torch.cat([past_self[1], v], dim=2)
        drop = lambda t: F.dropout(t, self.dropout, self.training)
        h = self.self_attn_layer_norm(h + drop(self.self_attn(h, k, v, self_mask)))
        cross, probs = self.encoder_attn(h, cross_kv[0], cross_kv[1], enc_mask, return_weights=True)
        h = self.encoder_attn_layer_norm(h + drop(cross))
        ff = F.dropout(F.silu(self.fc1(h)), self.act_dropout, self.training)
        return self.final_layer_norm(h + drop(self.fc2(ff))), (k, v), probs


class Encoder(nn.Module):
    def __init__(self, cfg, shared):
        super().__init__()
        self.embed_tokens = shared
        self.embed_positions = PositionTable(cfg.max_position_embeddings, cfg.d_model)
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(cfg.encoder_layers)])
        self.embed_scale = math.sqrt(cfg.d_model)
        self.dropout = cfg.dropout

    def forward(self, input_ids, attention_mask):
        h = self.embed_tokens(input_ids) * self.embed_scale + self.embed_positions(0, input_ids.shape[1])
        h = F.dropout(h, self.dropout, self.training)
        mask = padding_mask(attention_mask, h.dtype)
        for layer in self.layers:
            h = layer(h, mask)
        return h


def padding_mask(attention_mask, dtype):
    """[b, s] of 1/0 -> additive [b, 1, 1, s]."""
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * neg_min(dtype)


def causal_mask(t_new, past_len, dtype, device):
    """Additive [1, 1, t_new, past_len + t_new]: query i (at position past_len + i) sees keys <= its position."""
    q_pos = torch.arange(t_new, device=device)[:, None] + past_len
    k_pos = torch.arange(past_len + t_new, device=device)[None, :]
    return (k_pos > q_pos).to(dtype)[None, None] * neg_min(dtype)


class Decoder(nn.Module):
    def __init__(self, cfg, shared):
        super().__init__()
        self.embed_tokens = shared
        self.embed_positions = PositionTable(cfg.max_position_embeddings, cfg.d_model)
        self.layers = nn.ModuleList([DecoderLayer(cfg) for _ in range(cfg.decoder_layers)])
        self.embed_scale = math.sqrt(cfg.d_model)
        self.dropout = cfg.dropout

    def cross_kv(self, encoder_states):
        return [layer.encoder_attn.project_kv(encoder_states) for layer in self.layers]

    def forward(self, input_ids, encoder_attention_mask, cross, past_self=None, self_attention_mask=None,
                return_cross=False):
        """cross: per-layer encoder (k, v); past_self: per-layer self (k, v) or None.
        self_attention_mask: optional [b, past + t] (or broadcastable) of 1/0 over past and new positions;
        0 marks cache slots that are padding, so rows of one batch may have pasts of different lengths.
        Each new token's position is then the number of real positions before it.
        Returns hidden states and per-layer self (k, v) including the new positions; with return_cross,
        also the last layer's cross-attention probabilities averaged over heads [b, t, source_len]."""
        past_len = 0 if past_self is None else past_self[0][0].shape[2]
        b, t = input_ids.shape
        self_mask = causal_mask(t, past_len, torch.float32, input_ids.device)
        if self_attention_mask is None:
            positions = self.embed_positions(past_len, t)
        else:
            full = self_attention_mask.expand(b, past_len + t)
            ids = (torch.cumsum(full, dim=1) - 1)[:, past_len:].clamp(min=0)
            positions = F.embedding(ids, self.embed_positions.weight)
            self_mask = torch.minimum(self_mask, padding_mask(full, torch.float32))
        h = self.embed_tokens(input_ids) * self.embed_scale + positions
        h = F.dropout(h, self.dropout, self.training)
        self_mask = self_mask.to(h.dtype)
        enc_mask = padding_mask(encoder_attention_mask, h.dtype)
        presents = []
        probs = None
        for i, layer in enumerate(self.layers):
            h, kv, probs = layer(h, self_mask, enc_mask, None if past_self is None else past_self[i], cross[i])
            presents.append(kv)
        return (h, presents, probs.mean(dim=1)) if return_cross else (h, presents)


class MarianModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.shared = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=cfg.pad_token_id)
        self.encoder = Encoder(cfg, self.shared)
        self.decoder = Decoder(cfg, self.shared)


class MarianMT(nn.Module):
    def __init__(self, cfg: MarianSize):
        super().__init__()
        self.cfg = cfg
        self.model = MarianModel(cfg)
        self.register_buffer("final_logits_bias", torch.zeros(1, cfg.vocab_size))
        self.init_weights()

    def init_weights(self, std=0.02):
        for name, p in self.named_parameters():
            if name.endswith("embed_positions.weight"):
                continue
            if p.dim() > 1:
                nn.init.normal_(p, 0.0, std)
            elif "layer_norm" in name and name.endswith("weight"):
                nn.init.ones_(p)
            else:
                nn.init.zeros_(p)
        with torch.no_grad():
            self.model.shared.weight[self.cfg.pad_token_id].zero_()

    def logits(self, h):
        return F.linear(h, self.model.shared.weight) + self.final_logits_bias

    def encode(self, input_ids, attention_mask):
        return self.model.encoder(input_ids, attention_mask)

    def forward(self, input_ids, attention_mask, decoder_input_ids):
        enc = self.encode(input_ids, attention_mask)
        h, _ = self.model.decoder(decoder_input_ids, attention_mask, self.model.decoder.cross_kv(enc))
        return self.logits(h)

    def hf_state_dict(self):
        """Parameter names as transformers' MarianMTModel stores them (tied copies included)."""
        sd = {k: v for k, v in self.state_dict().items()}
        sd["lm_head.weight"] = sd["model.shared.weight"]
        return sd
