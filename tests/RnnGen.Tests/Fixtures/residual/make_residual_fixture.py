#!/usr/bin/python3
"""PyTorch (float64) reference for RnnGen's [Residual] layers: ResidualStack in tests/RnnGen.Tests/Reference/ReferenceModels.cs.

    /usr/bin/python3 make_residual_fixture.py     # writes residual_stack.json beside this script

x [3, 5, 4] (lengths 5, 2, 4) -> A = LSTM(4) + x -> B = bidirectional GRU(4), directions summed, + A -> C = RNN(4, tanh) + B
-> Out = Linear(2) per step; loss: mean squared error over the real steps. Padded steps output zero at every layer
(packed sequences, residual sums masked). The LSTM's and the RNN's bias_hh are fixed at zero: RnnGen keeps one bias.
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
B, T, I = 3, 5, 4
LENGTHS = [5, 2, 4]


def main():
    torch.manual_seed(8001)
    A = nn.LSTM(I, 4, batch_first=True)
    Bm = nn.GRU(4, 4, batch_first=True, bidirectional=True)
    C = nn.RNN(4, 4, batch_first=True)
    Out = nn.Linear(4, 2)
    params = {}
    for prefix, mod in (("A", A), ("B", Bm), ("C", C), ("Out", Out)):
        for name, p in mod.named_parameters():
            params[prefix + "." + name] = p
    with torch.no_grad():
        for name, p in params.items():
            p.uniform_(-0.5, 0.5)
            if "bias_hh" in name and not name.startswith("B."):
                p.zero_()
                p.requires_grad_(False)

    x = torch.rand(B, T, I) * 2 - 1
    targets = torch.rand(B, T, 2) * 2 - 1
    lengths = torch.tensor(LENGTHS)
    mask = (torch.arange(T)[None, :] < lengths[:, None]).double()[:, :, None]

    def run(mod, inp, merge_sum=False):
        out, _ = mod(pack_padded_sequence(inp, lengths, batch_first=True, enforce_sorted=False))
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
        if merge_sum:
            out = out[:, :, :4] + out[:, :, 4:]
        return out

    a = (run(A, x) + x) * mask
    b = (run(Bm, a, merge_sum=True) + a) * mask
    c = (run(C, b) + b) * mask
    y = Out(c)
    loss = (((y - targets) ** 2) * mask).sum() / (mask.sum() * 2)
    loss.backward()
    trained = {k: p for k, p in params.items() if p.requires_grad}

    def tj(t):
        return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}

    doc = {
        "B": B, "T": T, "input_size": I, "lengths": LENGTHS,
        "inputs": tj(x), "targets": tj(targets), "outputs": tj(y * mask), "loss": float(loss),
        "params": {k: tj(p) for k, p in trained.items()},
        "grads": {k: tj(p.grad) for k, p in trained.items()},
        "torch_version": torch.__version__,
    }
    path = os.path.join(HERE, "residual_stack.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"residual_stack: loss {float(loss):.12f} -> {path}")


if __name__ == "__main__":
    main()
