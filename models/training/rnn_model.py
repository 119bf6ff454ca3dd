"""GRU encoder-decoder with multiplicative (Luong "general") attention, in plain PyTorch.

Encoder: shared embedding -> `encoder_layers` bidirectional GRU layers. Every row's backward direction runs on
its own tokens only (the sequence is reversed within its length, not across the padding), so a padded row gives
exactly the states of the same row alone: batched equals unbatched. The encoder also returns the attention keys
(encoder states through W_a, computed once per source) and the decoder's initial state (tanh of a projection
of the masked mean of the encoder states).

Decoder (one GRU layer): h_t = GRU(embed(y_{t-1}), h_{t-1}); a_t = softmax over source positions of
h_t . keys_s; c_t = sum_s a_ts states_s; o_t = tanh(W_o [h_t; c_t; embed(y_{t-1})]); logits = o_t E^T + b with E
the embedding shared by encoder, decoder and the output layer. The attention reads h_t after the GRU update
(no input feeding), so training runs the GRU over the whole target at once.
"""
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class GruSize:
    vocab_size: int
    embed_dim: int = 256
    encoder_hidden: int = 256
    encoder_layers: int = 2
    decoder_hidden: int = 512
    dropout: float = 0.2
    # No position table: the longest source and output the bundle declares, as Marian's position count does.
    max_position_embeddings: int = 256
    pad_token_id: int = -1
    eos_token_id: int = 0

    def to_dict(self):
        return asdict(self)


def reverse_within_length(x, lengths):
    """Reverse each row's first `lengths[b]` positions and leave its padding in place ([B, T, D])."""
    t = torch.arange(x.shape[1], device=x.device)[None, :]
    last = lengths[:, None] - 1
    idx = torch.where(t <= last, last - t, t)
    return torch.gather(x, 1, idx[:, :, None].expand(-1, -1, x.shape[2]))


class Encoder(nn.Module):
    def __init__(self, cfg, embed):
        super().__init__()
        self.embed = embed
        h = cfg.encoder_hidden
        dims = [cfg.embed_dim] + [2 * h] * (cfg.encoder_layers - 1)
        self.forward_layers = nn.ModuleList(nn.GRU(d, h, batch_first=True) for d in dims)
        self.backward_layers = nn.ModuleList(nn.GRU(d, h, batch_first=True) for d in dims)
        self.key_proj = nn.Linear(2 * h, cfg.decoder_hidden, bias=False)
        self.init_proj = nn.Linear(2 * h, cfg.decoder_hidden)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, input_ids, attention_mask):
        lengths = attention_mask.sum(1)
        x = self.dropout(self.embed(input_ids))
        for i, (fwd, bwd) in enumerate(zip(self.forward_layers, self.backward_layers)):
            if i:
                x = self.dropout(x)
            f, _ = fwd(x)
            b, _ = bwd(reverse_within_length(x, lengths))
            x = torch.cat([f, reverse_within_length(b, lengths)], dim=2)
        mask = attention_mask.to(x.dtype)[:, :, None]
        states = x * mask
        mean = states.sum(1) / mask.sum(1)
        return states, self.key_proj(states), torch.tanh(self.init_proj(mean))


class Decoder(nn.Module):
    def __init__(self, cfg, embed):
        super().__init__()
        self.embed = embed
        self.gru = nn.GRU(cfg.embed_dim, cfg.decoder_hidden, batch_first=True)
        self.out_proj = nn.Linear(cfg.decoder_hidden + 2 * cfg.encoder_hidden + cfg.embed_dim, cfg.embed_dim)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, input_ids, state, states, keys, encoder_attention_mask):
        """input_ids [B, T], state [B, H] -> logits [B, T, V], last state [B, H], attention [B, T, S]."""
        e = self.dropout(self.embed(input_ids))
        h, last = self.gru(e, state[None])
        scores = torch.bmm(h, keys.transpose(1, 2))
        masked = encoder_attention_mask[:, None, :] == 0
        scores = scores.masked_fill(masked, torch.finfo(scores.dtype).min)
        attn = torch.softmax(scores, dim=-1)
        ctx = torch.bmm(attn, states)
        o = torch.tanh(self.out_proj(torch.cat([h, ctx, e], dim=2)))
        logits = F.linear(self.dropout(o), self.embed.weight)
        return logits, last[0], attn


class GruAttention(nn.Module):
    def __init__(self, cfg: GruSize):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed_dim)
        nn.init.normal_(self.embed.weight, std=cfg.embed_dim ** -0.5)
        self.encoder = Encoder(cfg, self.embed)
        self.decoder = Decoder(cfg, self.embed)
        self.final_logits_bias = nn.Parameter(torch.zeros(cfg.vocab_size))

    def incremental_decoder(self, input_ids, attention_mask):
        return RecurrentDecoder(self, input_ids, attention_mask)

    def encode(self, input_ids, attention_mask):
        return self.encoder(input_ids, attention_mask)

    def decode(self, input_ids, state, states, keys, encoder_attention_mask):
        logits, state, attn = self.decoder(input_ids, state, states, keys, encoder_attention_mask)
        return logits + self.final_logits_bias, state, attn

    def forward(self, input_ids, attention_mask, decoder_input_ids):
        states, keys, init = self.encode(input_ids, attention_mask)
        return self.decode(decoder_input_ids, init, states, keys, attention_mask)[0]


class RecurrentDecoder:
    """decode.py's step-by-step decoder: the recurrent state takes the place of the KV cache. `attention` holds
    the last step's attention rows ([rows, source length])."""

    def __init__(self, model, input_ids, attention_mask):
        self.model = model
        self.mask = attention_mask
        self.states, self.keys, self.state = model.encode(input_ids, attention_mask)
        self.attention = None

    def step(self, last_tokens):
        logits, self.state, attn = self.model.decode(last_tokens[:, None], self.state, self.states, self.keys,
                                                     self.mask)
        self.attention = attn[:, 0]
        return logits[:, -1]

    def reorder(self, rows):
        self.state, self.states, self.keys, self.mask = (t[rows] for t in (self.state, self.states, self.keys,
                                                                            self.mask))
