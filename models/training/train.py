"""Train a translation model on the prepared data (prep.py output): MarianMT (`--arch marian`, the default) or
the GRU encoder-decoder with attention (`--arch gru`, rnn_model.py).

Resumes from <run>/checkpoint.pt when it exists (model, optimizer, schedule, RNG states and the position in
the epoch's batch order), so an interrupted run continues exactly where the last checkpoint left it.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from m2m100 import M2M100, M2M100Size
from marian import MarianMT, MarianSize
from onnx_weights import load_bundle
from rnn_model import GruAttention, GruSize

ARCHS = {"marian": (MarianMT, MarianSize), "gru": (GruAttention, GruSize), "m2m100": (M2M100, M2M100Size)}


def new_size(args, data):
    if args.arch == "gru":
        return GruSize(vocab_size=data["vocab_size"], embed_dim=args.d_model, encoder_hidden=args.enc_hidden,
                       encoder_layers=args.layers, decoder_hidden=args.dec_hidden, dropout=args.dropout,
                       pad_token_id=data["pad_id"], eos_token_id=data["eos_id"])
    if args.arch == "m2m100":
        return M2M100Size(vocab_size=data["vocab_size"], d_model=args.d_model, encoder_layers=args.layers,
                          decoder_layers=args.layers, encoder_attention_heads=args.heads,
                          decoder_attention_heads=args.heads, encoder_ffn_dim=args.ffn, decoder_ffn_dim=args.ffn,
                          max_position_embeddings=args.max_positions, pad_token_id=data["pad_id"],
                          eos_token_id=data["eos_id"], dropout=args.dropout)
    return MarianSize(vocab_size=data["vocab_size"], d_model=args.d_model, encoder_layers=args.layers,
                      decoder_layers=args.layers, encoder_attention_heads=args.heads,
                      decoder_attention_heads=args.heads, encoder_ffn_dim=args.ffn, decoder_ffn_dim=args.ffn,
                      max_position_embeddings=args.max_positions, pad_token_id=data["pad_id"],
                      eos_token_id=data["eos_id"])


def make_batches(src, tgt, max_tokens, seed, epoch):
    """Length-bucketed batches: sort by length with a per-epoch random tie order, cut so that
    (rows x longest side) stays within max_tokens, then shuffle the batches."""
    rng = random.Random(seed * 1000 + epoch)
    order = sorted(range(len(src)), key=lambda i: (max(len(src[i]), len(tgt[i])), rng.random()))
    batches, cur, cur_max = [], [], 0
    for i in order:
        n = max(len(src[i]), len(tgt[i]))
        if cur and max(cur_max, n) * (len(cur) + 1) > max_tokens:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append(i)
        cur_max = max(cur_max, n)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(idx, src, tgt, pad_id, start_id=None, forced_first=False):
    """start_id: the decoder start token (pad for Marian, eos for M2M100/NLLB). forced_first: targets begin with
    their language token, which generation forces rather than predicts, so it is fed but left out of the loss."""
    s = [src[i] for i in idx]
    t = [tgt[i] for i in idx]
    b, ls, lt = len(idx), max(map(len, s)), max(map(len, t))
    input_ids = torch.full((b, ls), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((b, ls), dtype=torch.long)
    labels = torch.full((b, lt), pad_id, dtype=torch.long)
    for r, (a, c) in enumerate(zip(s, t)):
        input_ids[r, :len(a)] = torch.tensor(a)
        attention_mask[r, :len(a)] = 1
        labels[r, :len(c)] = torch.tensor(c)
    start = pad_id if start_id is None else start_id
    dec_in = torch.cat([torch.full((b, 1), start, dtype=torch.long), labels[:, :-1]], dim=1)
    if forced_first:
        labels[:, 0] = pad_id
    return input_ids, attention_mask, dec_in, labels


def progress(state, args):
    """Fraction of the budget used: steps, or training seconds when a time budget is given (the CPU is
    shared, so a time budget is what guarantees the run ends when planned)."""
    if args.minutes:
        return state["train_seconds"] / (args.minutes * 60)
    return state["step"] / args.steps


def lr_at(step, frac, args):
    """Linear warmup, inverse square root decay, and a linear cool-down to 0 over the last
    `cooldown` fraction of the budget (so the run ends at a low learning rate)."""
    step = max(step, 1)
    lr = args.lr * min(step / args.warmup, math.sqrt(args.warmup / step))
    if frac > 1 - args.cooldown:
        lr *= max(0.0, (1 - frac) / args.cooldown)
    return lr


def loss_fn(logits, labels, pad_id, smoothing):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                           ignore_index=pad_id, label_smoothing=smoothing)


@torch.no_grad()
def dev_loss(model, data, pad_id, max_tokens, target_start):
    model.eval()
    src, tgt = data
    total, n = 0.0, 0
    for idx in make_batches(src, tgt, max_tokens, 0, 0):
        ii, am, di, lab = collate(idx, src, tgt, pad_id, **target_start)
        logits = model(ii, am, di)
        k = int((lab != pad_id).sum())
        total += float(loss_fn(logits, lab, pad_id, 0.0)) * k
        n += k
    model.train()
    return total / n


def atomic_save(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="folder written by prep.py")
    ap.add_argument("--run", required=True, help="run folder (checkpoints, log)")
    ap.add_argument("--steps", type=int, default=6000, help="step budget; the schedule ends here")
    ap.add_argument("--minutes", type=float, default=None,
                    help="training-time budget; when set it replaces --steps as the schedule's end. Given on "
                         "resume, it changes the saved budget (e.g. to extend a run before its cool-down)")
    ap.add_argument("--max-tokens", type=int, default=3000, help="rows x longest side per batch")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=800)
    ap.add_argument("--cooldown", type=float, default=0.2)
    ap.add_argument("--smoothing", type=float, default=0.1)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N pairs (smoke tests)")
    ap.add_argument("--arch", choices=sorted(ARCHS), default="marian")
    ap.add_argument("--d-model", type=int, default=256, help="model width (gru: embedding size)")
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=1024)
    ap.add_argument("--max-positions", type=int, default=256)
    ap.add_argument("--enc-hidden", type=int, default=256, help="gru: encoder GRU size per direction")
    ap.add_argument("--dec-hidden", type=int, default=512, help="gru: decoder GRU size")
    ap.add_argument("--dropout", type=float, default=0.2, help="gru and m2m100: dropout")
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--dev-every", type=int, default=500)
    ap.add_argument("--snapshot-from", type=float, default=0.85,
                    help="keep model-only snapshots after this fraction of the budget (for averaging)")
    ap.add_argument("--snapshot-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--stop-after", type=int, default=0,
                    help="checkpoint and exit after this many steps in this process (resume tests)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init", help="fine-tune: start from this Marian bundle's weights and sizes (multi_sentence.py "
                                   "data, encoded with the bundle's own vocabulary)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    os.makedirs(args.run, exist_ok=True)
    data = torch.load(os.path.join(args.data, "data.pt"))
    pad_id = data["pad_id"]
    src, tgt = data["train"]
    if args.limit:
        src, tgt = src[:args.limit], tgt[:args.limit]
    dev = (data["dev"][0], data["dev"][1])
    target_start = {"start_id": data.get("start_id"), "forced_first": data.get("forced_first", False)}

    ckpt_path = os.path.join(args.run, "checkpoint.pt")
    resume = torch.load(ckpt_path) if os.path.exists(ckpt_path) else None
    if resume:
        saved_args = resume["args"]
        args.arch = saved_args.get("arch", "marian")
        cfg = ARCHS[args.arch][1](**resume["size"])
        if args.minutes is None:
            args.minutes = saved_args["minutes"]
        for k in ("steps", "max_tokens", "lr", "warmup", "cooldown", "smoothing", "seed", "limit"):
            setattr(args, k, saved_args[k])
    init = load_bundle(args.init) if args.init and not resume else None
    if not resume:
        args.minutes = args.minutes or 0
        cfg = init.cfg if init else new_size(args, data)
    torch.manual_seed(args.seed)
    model = ARCHS[args.arch][0](cfg)
    if init:
        model.load_state_dict(init.state_dict())
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr,
                           betas=(0.9, 0.98), eps=1e-9)
    state = {"step": 0, "epoch": 0, "batch_in_epoch": 0, "tokens": 0, "train_seconds": 0.0, "best_dev": None}
    if resume:
        model.load_state_dict(resume["model"])
        opt.load_state_dict(resume["optimizer"])
        state = resume["state"]
        torch.set_rng_state(resume["rng"]["torch"])
        random.setstate(resume["rng"]["python"])
        np.random.set_state(resume["rng"]["numpy"])
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log = lambda **kw: print(json.dumps(kw), flush=True)
    log(event="start", resumed=bool(resume), params=n_params, size=cfg.to_dict(), args=vars(args), **state)

    def save():
        atomic_save({"size": cfg.to_dict(), "args": vars(args), "model": model.state_dict(),
                     "optimizer": opt.state_dict(), "state": state,
                     "rng": {"torch": torch.get_rng_state(), "python": random.getstate(),
                             "numpy": np.random.get_state()}}, ckpt_path)

    model.train()
    start_step = state["step"]
    last_ckpt = time.time()
    win_tokens, win_loss, win_steps, win_start = 0, 0.0, 0, time.time()
    done = lambda: progress(state, args) >= 1.0
    while not done():
        batches = make_batches(src, tgt, args.max_tokens, args.seed, state["epoch"])
        while state["batch_in_epoch"] < len(batches) and not done():
            t0 = time.time()
            ii, am, di, lab = collate(batches[state["batch_in_epoch"]], src, tgt, pad_id, **target_start)
            lr = lr_at(state["step"] + 1, progress(state, args), args)
            for g in opt.param_groups:
                g["lr"] = lr
            loss = loss_fn(model(ii, am, di), lab, pad_id, args.smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            n_tok = int(am.sum()) + int((lab != pad_id).sum())
            state["step"] += 1
            state["batch_in_epoch"] += 1
            state["tokens"] += n_tok
            state["train_seconds"] += time.time() - t0
            win_tokens += n_tok
            win_loss += float(loss)
            win_steps += 1
            step = state["step"]
            if step % args.log_every == 0:
                dt = time.time() - win_start
                log(event="train", step=step, epoch=state["epoch"], lr=round(lr, 7),
                    loss=round(win_loss / win_steps, 4), tokens_per_s=round(win_tokens / dt),
                    train_minutes=round(state["train_seconds"] / 60, 1))
                win_tokens, win_loss, win_steps, win_start = 0, 0.0, 0, time.time()
            if step % args.dev_every == 0 or done():
                dl = dev_loss(model, dev, pad_id, args.max_tokens, target_start)
                state["best_dev"] = dl if state["best_dev"] is None else min(dl, state["best_dev"])
                log(event="dev", step=step, dev_loss=round(dl, 4), dev_ppl=round(math.exp(dl), 3))
                win_tokens, win_loss, win_steps, win_start = 0, 0.0, 0, time.time()
            if step % args.snapshot_every == 0 and progress(state, args) >= args.snapshot_from:
                atomic_save(model.state_dict(), os.path.join(args.run, f"model_step{step}.pt"))
            if args.stop_after and step - start_step >= args.stop_after:
                save()
                log(event="stopped", step=step)
                return
            if time.time() - last_ckpt > args.ckpt_minutes * 60:
                save()
                last_ckpt = time.time()
                log(event="checkpoint", step=step)
        if state["batch_in_epoch"] >= len(batches):
            state["epoch"] += 1
            state["batch_in_epoch"] = 0
    save()
    atomic_save(model.state_dict(), os.path.join(args.run, "model_final.pt"))
    log(event="done", **state)


if __name__ == "__main__":
    main()
