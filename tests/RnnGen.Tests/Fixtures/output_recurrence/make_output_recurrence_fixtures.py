#!/usr/bin/python3
"""PyTorch (float64) references for RnnGen's OutputRecurrence models (tests/RnnGen.Tests/OutputRecurrence/OutputRecurrenceModels.cs).

    /usr/bin/python3 make_output_recurrence_fixtures.py   # writes feedback_forecaster.json and feedback_tagger.json

Teacher forcing: step t reads [x_t; y*_(t-1)] with y*_(-1) = 0 — the previous float target (squared error) or the one-hot of
the previous class target (cross-entropy). B = 3 sequences of T = 5 steps, lengths 5, 2, 4 (packed); the loss is the mean
over the real steps. The LSTM's bias_hh is fixed at zero (RnnGen keeps one bias); the GRU has both.
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
B, T = 3, 5
LENGTHS = [5, 2, 4]


def tj(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def run(name, cell, I, H, O, seed, classes):
    torch.manual_seed(seed)
    rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(I + O, H, batch_first=True)
    out = nn.Linear(H, O)
    params = {}
    layer = "Memory"
    head = "Next" if not classes else "Tag"
    for n, p in rnn.named_parameters():
        params[layer + "." + n] = p
    for n, p in out.named_parameters():
        params[head + "." + n] = p
    with torch.no_grad():
        for n, p in params.items():
            p.uniform_(-0.5, 0.5)
            if "bias_hh" in n and cell == "lstm":
                p.zero_()
                p.requires_grad_(False)
    x = torch.rand(B, T, I) * 2 - 1
    lengths = torch.tensor(LENGTHS)
    mask = (torch.arange(T)[None, :] < lengths[:, None]).double()
    if classes:
        targets = torch.randint(0, O, (B, T))
        fed = nn.functional.one_hot(targets, O).double()
    else:
        targets = torch.rand(B, T, O) * 2 - 1
        fed = targets
    prev = torch.cat([torch.zeros(B, 1, O), fed[:, :-1, :]], dim=1)
    inp = torch.cat([x, prev], dim=2)
    h, _ = rnn(pack_padded_sequence(inp, lengths, batch_first=True, enforce_sorted=False))
    h, _ = pad_packed_sequence(h, batch_first=True, total_length=T)
    y = out(h)
    if classes:
        nll = nn.functional.cross_entropy(y.reshape(B * T, O), targets.reshape(-1), reduction="none").reshape(B, T)
        loss = (nll * mask).sum() / mask.sum()
        outputs = torch.softmax(y, dim=-1)
    else:
        loss = (((y - targets) ** 2) * mask[:, :, None]).sum() / (mask.sum() * O)
        outputs = y
    loss.backward()
    trained = {k: p for k, p in params.items() if p.requires_grad}
    doc = {
        "B": B, "T": T, "lengths": LENGTHS, "inputs": tj(x),
        "targets": targets.reshape(-1).tolist() if classes else tj(targets),
        "loss": float(loss), "outputs": tj(outputs),
        "params": {k: tj(p) for k, p in trained.items()}, "grads": {k: tj(p.grad) for k, p in trained.items()},
        "torch_version": torch.__version__,
    }
    path = os.path.join(HERE, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"{name}: loss {float(loss):.12f} -> {path}")


if __name__ == "__main__":
    run("feedback_forecaster", "lstm", 2, 5, 3, 9001, classes=False)
    run("feedback_tagger", "gru", 3, 6, 4, 9002, classes=True)
