#!/usr/bin/python3
"""PyTorch (float64) references for RnnGen's encoder-decoder models (tests/RnnGen.Tests/Seq2Seq/EncoderDecoderModels.cs).

    /usr/bin/python3 make_seq2seq_fixtures.py     # writes <model>.json beside this script

Each model is rebuilt here from torch.nn modules (nn.LSTM / nn.GRU / nn.RNN with packed sequences for the encoder,
nn.LSTMCell / nn.GRUCell / nn.RNNCell for the decoder steps, nn.Linear for the output) plus the attention written out:

    additive  e_j = v . tanh(W_q q + W_k h_j)      (Bahdanau et al. 2015)
    general   e_j = q . (W h_j)                     (Luong et al. 2015)
    dot       e_j = q . h_j
    alpha = softmax over the real source steps,  c_t = sum_j alpha_j h_j,  q = top decoder state before step t
    x_t = [embedding(y_{t-1}); c_t],  y_t = Linear([s_t; c_t])

Decoder layer k from the top starts from the final state of encoder layer k from the top (bidirectional: the two
directions concatenated); an LSTM decoder over a non-LSTM encoder starts its cell from zero. Teacher forcing: y_{-1}
is the start token (1), y_{t-1} the target. Loss: mean cross-entropy over the real target steps.
RnnGen keeps one bias for an LSTM / SimpleRNN (bias_hh is fixed at zero here); a reset-after GRU has both.
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
START = 1

# (kind, units, bidirectional)
MODELS = {
    "additive_lstm": dict(src=(11, 6), enc=[("lstm", 5, True)], tgt=(9, 4), dec=[("lstm", 10)], attn=("additive", 7), seed=7001,
                          names=dict(src="Letters", enc=["Reader"], tgt="Sounds", dec=["Writer"], attn="Attend", out="Output")),
    "general_gru": dict(src=(11, 6), enc=[("gru", 8, False), ("gru", 7, False)], tgt=(9, 5), dec=[("gru", 8), ("gru", 7)], attn=("general", 0), seed=7002,
                        names=dict(src="Letters", enc=["Lower", "Upper"], tgt="Sounds", dec=["First", "Second"], attn="Attend", out="Output")),
    "dot_rnn": dict(src=(11, 6), enc=[("rnn", 6, False)], tgt=(9, 4), dec=[("lstm", 6)], attn=("dot", 0), seed=7003,
                    names=dict(src="Letters", enc=["Reader"], tgt="Sounds", dec=["Writer"], attn="Attend", out="Output")),
    "plain_lstm": dict(src=(11, 6), enc=[("lstm", 8, False)], tgt=(9, 4), dec=[("lstm", 8)], attn=None, seed=7004,
                       names=dict(src="Letters", enc=["Reader"], tgt="Sounds", dec=["Writer"], attn=None, out="Output")),
}

B, S, T = 3, 5, 4
SOURCE_LENGTHS = [5, 3, 4]
TARGET_LENGTHS = [4, 2, 3]


def rnn_module(kind, inp, units, bidirectional):
    cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[kind]
    return cls(inp, units, batch_first=True, bidirectional=bidirectional)


def cell_module(kind, inp, units):
    return {"lstm": nn.LSTMCell, "gru": nn.GRUCell, "rnn": nn.RNNCell}[kind](inp, units)


def build(spec):
    torch.manual_seed(spec["seed"])
    n = spec["names"]
    m = {}
    m["src"] = nn.Embedding(*spec["src"])
    width = spec["src"][1]
    m["enc"] = []
    for kind, units, bidi in spec["enc"]:
        m["enc"].append(rnn_module(kind, width, units, bidi))
        width = units * (2 if bidi else 1)
    enc_width = width
    m["tgt"] = nn.Embedding(*spec["tgt"])
    context = enc_width if spec["attn"] else 0
    width = spec["tgt"][1] + context
    m["dec"] = []
    for kind, units in spec["dec"]:
        m["dec"].append(cell_module(kind, width, units))
        width = units
    top = width
    if spec["attn"]:
        score, a = spec["attn"]
        if score == "additive":
            m["attn"] = {"query.weight": nn.Parameter(torch.empty(a, top)), "key.weight": nn.Parameter(torch.empty(a, enc_width)), "energy.weight": nn.Parameter(torch.empty(1, a))}
        elif score == "general":
            m["attn"] = {"weight": nn.Parameter(torch.empty(top, enc_width))}
        else:
            m["attn"] = {}
    m["out"] = nn.Linear(top + context, spec["tgt"][0])

    # every parameter U(-0.5, 0.5); single-bias cells get bias_hh = 0 (and it is not trained)
    params = {}
    params[n["src"] + ".weight"] = m["src"].weight
    for name, mod, (kind, *_rest) in zip(n["enc"], m["enc"], spec["enc"]):
        for pname, p in mod.named_parameters():
            params[name + "." + pname] = p
    params[n["tgt"] + ".weight"] = m["tgt"].weight
    for name, mod, (kind, *_rest) in zip(n["dec"], m["dec"], spec["dec"]):
        for pname, p in mod.named_parameters():
            params[name + "." + pname + "_l0"] = p
    if spec["attn"]:
        for pname, p in m["attn"].items():
            params[n["attn"] + "." + pname] = p
    params[n["out"] + ".weight"] = m["out"].weight
    params[n["out"] + ".bias"] = m["out"].bias
    with torch.no_grad():
        for name, p in params.items():
            p.uniform_(-0.5, 0.5)
            if "bias_hh" in name and not is_gru(spec, name):
                p.zero_()
                p.requires_grad_(False)
    return m, params


def is_gru(spec, name):
    layer = name.split(".")[0]
    n = spec["names"]
    for lname, (kind, *_r) in zip(n["enc"], spec["enc"]):
        if lname == layer:
            return kind == "gru"
    for lname, (kind, *_r) in zip(n["dec"], spec["dec"]):
        if lname == layer:
            return kind == "gru"
    return False


def forward(spec, m, source, targets):
    lengths = torch.tensor(SOURCE_LENGTHS)
    x = m["src"](source)
    finals = []
    for (kind, units, bidi), mod in zip(spec["enc"], m["enc"]):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, state = mod(packed)
        x, _ = pad_packed_sequence(out, batch_first=True, total_length=S)
        h = state[0] if kind == "lstm" else state
        c = state[1] if kind == "lstm" else None
        merge = (lambda s: torch.cat([s[0], s[1]], dim=1)) if bidi else (lambda s: s[0])
        finals.append((kind, merge(h), merge(c) if c is not None else None))
    H = x  # [B, S, Denc]
    mask = torch.arange(S)[None, :] < lengths[:, None]

    states = []
    for k, ((kind, units), cell) in enumerate(zip(spec["dec"], m["dec"])):
        ekind, h, c = finals[len(finals) - len(spec["dec"]) + k]
        if kind == "lstm":
            states.append((h, c if (ekind == "lstm") else torch.zeros_like(h)))
        else:
            states.append(h)

    if spec["attn"]:
        score = spec["attn"][0]
        if score == "additive":
            keys = H @ m["attn"]["key.weight"].T
        elif score == "general":
            keys = H @ m["attn"]["weight"].T
    logits = []
    for t in range(T):
        prev = torch.full((B,), START, dtype=torch.long) if t == 0 else targets[:, t - 1]
        inp = m["tgt"](prev)
        if spec["attn"]:
            top = states[-1]
            q = top[0] if isinstance(top, tuple) else top
            if score == "additive":
                u = torch.tanh((q @ m["attn"]["query.weight"].T)[:, None, :] + keys)
                e = (u @ m["attn"]["energy.weight"].T)[:, :, 0]
            elif score == "general":
                e = (keys * q[:, None, :]).sum(-1)
            else:
                e = (H * q[:, None, :]).sum(-1)
            e = e.masked_fill(~mask, float("-inf"))
            alpha = torch.softmax(e, dim=1)
            ctx = (alpha[:, :, None] * H).sum(1)
            inp = torch.cat([inp, ctx], dim=1)
        new_states = []
        for (kind, units), cell, st in zip(spec["dec"], m["dec"], states):
            st = cell(inp, st)
            new_states.append(st)
            inp = st[0] if kind == "lstm" else st
        states = new_states
        out_in = torch.cat([inp, ctx], dim=1) if spec["attn"] else inp
        logits.append(m["out"](out_in))
    return torch.stack(logits, dim=1)  # [B, T, V]


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    for name, spec in MODELS.items():
        m, params = build(spec)
        g = torch.Generator().manual_seed(spec["seed"] + 1)
        source = torch.randint(0, spec["src"][0], (B, S), generator=g)
        targets = torch.randint(0, spec["tgt"][0], (B, T), generator=g)
        for b in range(B):
            source[b, SOURCE_LENGTHS[b]:] = 0
            targets[b, TARGET_LENGTHS[b]:] = 2
        logits = forward(spec, m, source, targets)
        weights = (torch.arange(T)[None, :] < torch.tensor(TARGET_LENGTHS)[:, None]).double()
        nll = nn.functional.cross_entropy(logits.reshape(B * T, -1), targets.reshape(-1), reduction="none")
        loss = (nll * weights.reshape(-1)).sum() / weights.sum()
        loss.backward()
        probs = torch.softmax(logits, dim=-1)
        trained = {k: p for k, p in params.items() if p.requires_grad}
        doc = {
            "name": name,
            "B": B, "S": S, "T": T,
            "source": source.reshape(-1).tolist(),
            "source_lengths": SOURCE_LENGTHS,
            "targets": targets.reshape(-1).tolist(),
            "target_lengths": TARGET_LENGTHS,
            "loss": float(loss),
            "outputs": tensor_json(probs),
            "params": {k: tensor_json(p) for k, p in trained.items()},
            "grads": {k: tensor_json(p.grad) for k, p in trained.items()},
            "torch_version": torch.__version__,
        }
        path = os.path.join(HERE, name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=None, separators=(",", ":"))
        print(f"{name}: loss {float(loss):.12f}, {len(trained)} tensors -> {path}")


if __name__ == "__main__":
    main()
