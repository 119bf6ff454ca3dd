"""PyTorch reference of the int8 graphs quantize.py writes: MarianMT (marian.py) whose linear layers compute what
ONNX Runtime's DynamicQuantizeMatMul computes, with the int8 weights and scales read from the *_quantized.onnx
files. decode.py's searches run on it to write the golden files the C# engine is checked against.

DynamicQuantizeMatMul quantizes its whole activation tensor with one uint8 scale and zero point (the range
widened to include 0, scale = range / 255, zero point and values rounded half to even), multiplies the integers
exactly and scales the int32 sums back to float per output column, then adds the bias. Because the activation
scale is taken over the whole tensor, a row's result depends on the other rows of its batch.

Graphs written with static activation ranges (quantize.py --activations) quantize with a fixed scale and zero point
instead (QuantizeLinear, then MatMulIntegerToFloat, which computes the same sums and rescaling); the reference
reads them from the files' `*_input_scale` / `*_input_zero_point` initializers.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from torch import nn

from marian import MarianMT, MarianSize


class Int8Linear(nn.Module):
    def __init__(self, q, scale, bias, static=None):
        super().__init__()
        self.static = None if static is None else (torch.tensor(np.float32(static[0])), float(static[1]))
        self.register_buffer("q", torch.from_numpy(q.astype(np.float64)))
        self.register_buffer("scale", torch.from_numpy(np.array(scale, dtype=np.float32)))
        self.register_buffer("bias", None if bias is None else torch.from_numpy(bias.astype(np.float32)))

    def forward(self, x):
        if self.static is not None:
            a_scale, zero = self.static
        else:
            lo = torch.clamp(x.min(), max=0.0)
            hi = torch.clamp(x.max(), min=0.0)
            a_scale = (hi - lo) / 255.0 if hi > lo else torch.tensor(1.0)
            zero = torch.round(torch.clamp(-lo / a_scale, 0.0, 255.0))
        xq = torch.clamp(torch.round(x / a_scale) + zero, 0.0, 255.0)
        # Exact integer products: float64 holds every int32 sum a uint8 x int8 product of this size can reach.
        acc = torch.matmul((xq - zero).double(), self.q).float()
        y = acc * (a_scale * self.scale)
        return y if self.bias is None else y + self.bias


def _initializers(path):
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}


def _config(bundle):
    with open(os.path.join(bundle, "config.json"), encoding="utf-8") as f:
        c = json.load(f)
    return MarianSize(vocab_size=c.get("decoder_vocab_size") or c["vocab_size"], d_model=c["d_model"],
                      encoder_layers=c["encoder_layers"], decoder_layers=c["decoder_layers"],
                      encoder_attention_heads=c["encoder_attention_heads"],
                      decoder_attention_heads=c["decoder_attention_heads"], encoder_ffn_dim=c["encoder_ffn_dim"],
                      decoder_ffn_dim=c["decoder_ffn_dim"], max_position_embeddings=c["max_position_embeddings"],
                      pad_token_id=c["pad_token_id"], eos_token_id=c["eos_token_id"])


def load(bundle, graphs_folder, decoder="decoder_model_merged"):
    """MarianMT computing what <graphs_folder>/encoder_model_quantized.onnx and <decoder>_quantized.onnx
    compute. Initializer names are the export's (torch parameter names under a `model.` wrapper prefix)."""
    enc = _initializers(os.path.join(graphs_folder, "encoder_model_quantized.onnx"))
    dec = _initializers(os.path.join(graphs_folder, f"{decoder}_quantized.onnx"))
    model = MarianMT(_config(bundle)).eval()

    def find(name):
        for inits in (enc, dec):
            if f"model.{name}" in inits:
                return inits[f"model.{name}"]
            if f"model.{name}_vector" in inits:
                return inits[f"model.{name}_vector"]
        return None

    state = {}
    for name, _ in model.state_dict().items():
        value = find(name)
        if value is not None:
            state[name] = torch.from_numpy(value.copy()).reshape(model.state_dict()[name].shape)
    rows = find("model.shared.weight_rows_quantized")
    if rows is not None:
        scale = find("model.shared.weight_rows_scale")
        state["model.shared.weight"] = torch.from_numpy(rows.astype(np.float32) * scale[:, None])
    linear = {f"{n}.weight" for n, m in model.named_modules() if isinstance(m, nn.Linear)}
    tied = {k for k in model.state_dict() if k.endswith("embed_tokens.weight")}
    # fused_export.py leaves out a zero final_logits_bias; the module's own buffer is zeros already.
    missing = [k for k in model.state_dict() if k not in state and k not in linear | tied | {"final_logits_bias"}]
    if missing:
        raise ValueError(f"no weights for {missing[:5]} in {graphs_folder}")
    model.load_state_dict(state, strict=False)

    def static_input(base):
        scale = find(f"{base}_input_scale")
        return None if scale is None else (scale, find(f"{base}_input_zero_point"))

    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Linear):
                full = f"{name}.{child_name}" if name else child_name
                q = find(f"{full}.weight_T_quantized")
                if q is None:
                    raise ValueError(f"{full} is not quantized in {graphs_folder}")
                setattr(module, child_name, Int8Linear(q, find(f"{full}.weight_T_scale"),
                                                       find(f"{full}.bias"), static_input(f"{full}.weight_T")))
    # An instance attribute, so that it shadows MarianMT.logits (the tied fp32 projection).
    q = find("model.shared.weight_T_quantized")
    if q is not None:
        projection = Int8Linear(q, find("model.shared.weight_T_scale"), model.final_logits_bias.reshape(-1).numpy(),
                                static_input("model.shared.weight_T"))
        model.__dict__["logits"] = projection
    else:
        weight = torch.from_numpy(find("model.shared.weight").copy())
        model.__dict__["logits"] = lambda h: F.linear(h, weight) + model.final_logits_bias
    return model
