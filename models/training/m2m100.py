"""M2M100 (the architecture of M2M100 and NLLB-200) in plain PyTorch, following Hugging Face's modeling_m2m_100.py:
pre-LayerNorm Transformer with a final LayerNorm after each stack, ReLU, embeddings scaled by sqrt(d_model), one
embedding matrix shared by encoder, decoder and the output projection (no logits bias), and fairseq's sinusoidal
positions (sines in the first half, cosines in the second, frequencies over half_dim - 1) offset by the padding
id: a token's position is padding_idx + its count of non-padding tokens so far, and padding sits at padding_idx,
whose row is zero.

It has the interface onnx_export.export_all drives (model.model.decoder.cross_kv, the decoder's cache and
decoder_attention_mask, model.encode, model.logits), so the export is Marian's."""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from marian import Attention, causal_mask, padding_mask

OFFSET = 2  # fairseq keeps two rows in front of the first position
ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


@dataclass
class M2M100Size:
    vocab_size: int
    d_model: int = 32
    encoder_layers: int = 2
    decoder_layers: int = 2
    encoder_attention_heads: int = 2
    decoder_attention_heads: int = 2
    encoder_ffn_dim: int = 64
    decoder_ffn_dim: int = 64
    max_position_embeddings: int = 128
    pad_token_id: int = 1
    eos_token_id: int = 2
    activation_function: str = "relu"
    dropout: float = 0.0

    def to_dict(self):
        return asdict(self)


def sinusoids(n_pos, dim, padding_idx):
    half = dim // 2
    step = math.log(10000) / (half - 1)
    freq = torch.exp(torch.arange(half, dtype=torch.float32) * -step)
    angles = torch.arange(n_pos, dtype=torch.float32)[:, None] * freq[None, :]
    table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    if dim % 2:
        table = torch.cat([table, torch.zeros(n_pos, 1)], dim=1)
    table[padding_idx] = 0
    return table


class Positions(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.padding_idx = cfg.pad_token_id
        self.register_buffer("weights", sinusoids(cfg.max_position_embeddings + OFFSET, cfg.d_model, cfg.pad_token_id),
                             persistent=False)

    def forward(self, input_ids, counted_before=None):
        """counted_before: [b] (or broadcastable) real positions before input_ids (the cache's), 0 when None."""
        real = input_ids.ne(self.padding_idx).long()
        counts = torch.cumsum(real, dim=1)
        if counted_before is not None:
            counts = counts + counted_before
        return F.embedding(counts * real + self.padding_idx, self.weights)


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.self_attn = Attention(d, cfg.encoder_attention_heads, 0.0)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, cfg.encoder_ffn_dim)
        self.fc2 = nn.Linear(cfg.encoder_ffn_dim, d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = ACTIVATIONS[cfg.activation_function]
        self.dropout = cfg.dropout

    def forward(self, h, mask):
        drop = lambda t: F.dropout(t, self.dropout, self.training)
        x = self.self_attn_layer_norm(h)
        k, v = self.self_attn.project_kv(x)
        h = h + drop(self.self_attn(x, k, v, mask))
        return h + drop(self.fc2(self.act(self.fc1(self.final_layer_norm(h)))))


class DecoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.self_attn = Attention(d, cfg.decoder_attention_heads, 0.0)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, cfg.decoder_attention_heads, 0.0)
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, cfg.decoder_ffn_dim)
        self.fc2 = nn.Linear(cfg.decoder_ffn_dim, d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = ACTIVATIONS[cfg.activation_function]
        self.dropout = cfg.dropout

    def forward(self, h, self_mask, enc_mask, past_self, cross_kv):
        drop = lambda t: F.dropout(t, self.dropout, self.training)
        x = self.self_attn_layer_norm(h)
        k, v = self.self_attn.project_kv(x)
        if past_self is not None:
            k = torch.cat([past_self[0], k], dim=2)
            v = torch.cat([past_self[1], v], dim=2)
        h = h + drop(self.self_attn(x, k, v, self_mask))
        cross, probs = self.encoder_attn(self.encoder_attn_layer_norm(h), cross_kv[0], cross_kv[1], enc_mask,
                                         return_weights=True)
        h = h + drop(cross)
        return h + drop(self.fc2(self.act(self.fc1(self.final_layer_norm(h))))), (k, v), probs


class Encoder(nn.Module):
    def __init__(self, cfg, shared):
        super().__init__()
        self.embed_tokens = shared
        self.embed_positions = Positions(cfg)
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(cfg.encoder_layers)])
        self.layer_norm = nn.LayerNorm(cfg.d_model)
        self.embed_scale = math.sqrt(cfg.d_model)
        self.dropout = cfg.dropout

    def embed(self, input_ids):
        h = self.embed_tokens(input_ids) * self.embed_scale + self.embed_positions(input_ids)
        return F.dropout(h, self.dropout, self.training)

    def forward(self, input_ids, attention_mask):
        h = self.embed(input_ids)
        mask = padding_mask(attention_mask, h.dtype)
        for layer in self.layers:
            h = layer(h, mask)
        return self.layer_norm(h)


class Decoder(nn.Module):
    def __init__(self, cfg, shared):
        super().__init__()
        self.embed_tokens = shared
        self.embed_positions = Positions(cfg)
        self.layers = nn.ModuleList([DecoderLayer(cfg) for _ in range(cfg.decoder_layers)])
        self.layer_norm = nn.LayerNorm(cfg.d_model)
        self.embed_scale = math.sqrt(cfg.d_model)
        self.dropout = cfg.dropout

    def cross_kv(self, encoder_states):
        return [layer.encoder_attn.project_kv(encoder_states) for layer in self.layers]

    def embed(self, input_ids, counted_before):
        h = self.embed_tokens(input_ids) * self.embed_scale + self.embed_positions(input_ids, counted_before)
        return F.dropout(h, self.dropout, self.training)

    def forward(self, input_ids, encoder_attention_mask, cross, past_self=None, self_attention_mask=None,
                return_cross=False):
        """As marian.Decoder: self_attention_mask [b, past + t] of 1/0 marks padding slots of the cache, which
        neither count as positions nor are attended to."""
        past_len = 0 if past_self is None else past_self[0][0].shape[2]
        b, t = input_ids.shape
        self_mask = causal_mask(t, past_len, torch.float32, input_ids.device)
        if self_attention_mask is None:
            h = self.embed(input_ids, past_len)
        else:
            full = self_attention_mask.expand(b, past_len + t)
            h = self.embed(input_ids, full[:, :past_len].sum(dim=1, keepdim=True))
            self_mask = torch.minimum(self_mask, padding_mask(full, torch.float32))
        enc_mask = padding_mask(encoder_attention_mask, h.dtype)
        presents, probs = [], None
        for i, layer in enumerate(self.layers):
            h, kv, probs = layer(h, self_mask, enc_mask, None if past_self is None else past_self[i], cross[i])
            presents.append(kv)
        h = self.layer_norm(h)
        return (h, presents, probs.mean(dim=1)) if return_cross else (h, presents)


class M2M100Model(nn.Module):
    def __init__(self, cfg, encoder=Encoder, decoder=Decoder):
        super().__init__()
        self.shared = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=cfg.pad_token_id)
        self.encoder = encoder(cfg, self.shared)
        self.decoder = decoder(cfg, self.shared)


class M2M100(nn.Module):
    def __init__(self, cfg: M2M100Size, model=None):
        super().__init__()
        self.cfg = cfg
        self.model = model or M2M100Model(cfg)
        self.init_weights()

    def init_weights(self, std=0.02):
        """Hugging Face's initialization (init_std 0.02): PyTorch's default N(0, 1) embeddings, scaled by
        sqrt(d_model) and tied to the output projection, start training with logits in the hundreds."""
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, 0.0, std)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        with torch.no_grad():
            self.model.shared.weight[self.cfg.pad_token_id].zero_()

    def init_random(self, generator, std):
        """Weights wide enough that greedy outputs depend on the source and the forced language (small ones
        make every output the same token)."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                if "layer_norm" in name or "layernorm" in name:
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=generator) if name.endswith("weight")
                            else 0.1 * torch.randn(p.shape, generator=generator))
                else:
                    p.copy_(std * torch.randn(p.shape, generator=generator))
            self.model.shared.weight[self.cfg.pad_token_id].zero_()

    def logits(self, h):
        return F.linear(h, self.model.shared.weight)

    def encode(self, input_ids, attention_mask):
        return self.model.encoder(input_ids, attention_mask)

    def forward(self, input_ids, attention_mask, decoder_input_ids):
        enc = self.encode(input_ids, attention_mask)
        h, _ = self.model.decoder(decoder_input_ids, attention_mask, self.model.decoder.cross_kv(enc))
        return self.logits(h)
