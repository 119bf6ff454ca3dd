"""BART (BartForConditionalGeneration) in plain PyTorch, following Hugging Face's modeling_bart.py: mBART's
embeddings (learned positions offset by 2, a LayerNorm over each stack's embeddings, final_logits_bias on the tied
output projection; mbart.py) with the original Transformer's post-LayerNorm layers (the residual added, then
normalised) and no final LayerNorm after either stack. BART's checkpoints leave scale_embedding at its default,
false, so token embeddings are not scaled."""
import torch
from torch import nn

from m2m100 import DecoderLayer, EncoderLayer
from mbart import MBart, MBartDecoder, MBartEncoder


class PostNormEncoderLayer(EncoderLayer):
    def forward(self, h, mask):
        k, v = self.self_attn.project_kv(h)
        h = self.self_attn_layer_norm(h + self.self_attn(h, k, v, mask))
        return self.final_layer_norm(h + self.fc2(self.act(self.fc1(h))))


class PostNormDecoderLayer(DecoderLayer):
    def forward(self, h, self_mask, enc_mask, past_self, cross_kv):
        k, v = self.self_attn.project_kv(h)
        if past_self is not None:
            k = torch.cat([past_self[0], k], dim=2)
            v = torch.cat([past_self[1], v], dim=2)
        h = self.self_attn_layer_norm(h + self.self_attn(h, k, v, self_mask))
        cross, probs = self.encoder_attn(h, cross_kv[0], cross_kv[1], enc_mask, return_weights=True)
        h = self.encoder_attn_layer_norm(h + cross)
        return self.final_layer_norm(h + self.fc2(self.act(self.fc1(h)))), (k, v), probs


def _post_norm(stack, layer, cfg, n_layers):
    stack.layers = nn.ModuleList([layer(cfg) for _ in range(n_layers)])
    stack.layer_norm = nn.Identity()
    stack.embed_scale = 1.0


class BartEncoder(MBartEncoder):
    def __init__(self, cfg, shared):
        super().__init__(cfg, shared)
        _post_norm(self, PostNormEncoderLayer, cfg, cfg.encoder_layers)


class BartDecoder(MBartDecoder):
    def __init__(self, cfg, shared):
        super().__init__(cfg, shared)
        _post_norm(self, PostNormDecoderLayer, cfg, cfg.decoder_layers)


class Bart(MBart):
    def __init__(self, cfg):
        super().__init__(cfg, BartEncoder, BartDecoder)

    def init_random(self, generator, std):
        super().init_random(generator, std)
        # GELU's outputs have a positive mean, so a wide feed-forward block adds one direction to every position,
        # and after the post-LayerNorm that direction picks the same token at every step whatever the source.
        with torch.no_grad():
            for name, p in self.named_parameters():
                if ".fc" in name:
                    p.mul_(0.2)
