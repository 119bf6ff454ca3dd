"""mBART (mBART-50's many-to-many layout) in plain PyTorch, following Hugging Face's modeling_mbart.py: M2M100's
pre-LayerNorm stacks with their final LayerNorms (m2m100.py), GELU, and what differs: learned positions read two
rows past the position (offset 2) and count every token from the start, padding or not (sources are right-padded,
so real tokens are unaffected; in the decoder, rows joined with a left-padded cache count its real slots, as
marian.py's do), a LayerNorm over the embeddings of each stack, and final_logits_bias on the tied output
projection."""
import torch
import torch.nn.functional as F
from torch import nn

from m2m100 import OFFSET, Decoder, Encoder, M2M100, M2M100Model


class LearnedPositions(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cfg.max_position_embeddings + OFFSET, cfg.d_model))

    def forward(self, input_ids, counted_before=None):
        ids = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :].expand(input_ids.shape)
        if counted_before is not None:
            ids = ids + counted_before
        return F.embedding(ids + OFFSET, self.weight)


class MBartEncoder(Encoder):
    def __init__(self, cfg, shared):
        super().__init__(cfg, shared)
        self.embed_positions = LearnedPositions(cfg)
        self.layernorm_embedding = nn.LayerNorm(cfg.d_model)

    def embed(self, input_ids):
        return self.layernorm_embedding(super().embed(input_ids))


class MBartDecoder(Decoder):
    def __init__(self, cfg, shared):
        super().__init__(cfg, shared)
        self.embed_positions = LearnedPositions(cfg)
        self.layernorm_embedding = nn.LayerNorm(cfg.d_model)

    def embed(self, input_ids, counted_before):
        return self.layernorm_embedding(super().embed(input_ids, counted_before))


class MBart(M2M100):
    def __init__(self, cfg, encoder=MBartEncoder, decoder=MBartDecoder):
        super().__init__(cfg, M2M100Model(cfg, encoder, decoder))
        self.register_buffer("final_logits_bias", torch.zeros(1, cfg.vocab_size))

    def init_random(self, generator, std):
        super().init_random(generator, std)
        # Small: a wide bias would make a few tokens win every step.
        self.final_logits_bias.copy_(0.1 * torch.randn(self.final_logits_bias.shape, generator=generator))

    def logits(self, h):
        return super().logits(h) + self.final_logits_bias
