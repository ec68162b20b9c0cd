#!/usr/bin/env python3
"""Exports the benchmark's forward workloads to ONNX (opset 14) with the weights of the RnnGen benchmark models.

    dotnet run -c Release --project tests/RnnGen.Benchmarks -- --save-weights /tmp/rnngen-weights
    /usr/bin/python3 tests/RnnGen.Benchmarks/onnx/export_onnx.py /tmp/rnngen-weights tests/RnnGen.Benchmarks/onnx

Reads <name>.safetensors (PyTorch tensor names, prefixed with the RnnGen layer property "Rnn.") into torch.nn.LSTM /
GRU / RNN (batch_first) and writes <name>.onnx with torch.onnx.export. Needs Debian's python3-torch (1.13); uses
python3-onnx, if installed, to list the graph and check that every GRU node has linear_before_reset=1 (PyTorch's GRU).
Input and output names: W1 x, h0 (, c0) -> hn (, cn); the others x -> y.
"""
import argparse
import json
import os
import struct
import sys

import torch

# name, cell, input size, hidden, bidirectional, kind: "step" (W1), "last" (W2: the last state [1, B, H]), "seq" ([B, T, O])
WORKLOADS = [
    ("w1_lstm", "LSTM", 1, 32, False, "step"),
    ("w1_gru", "GRU", 1, 32, False, "step"),
    ("w1_rnn", "SimpleRnn", 1, 32, False, "step"),
    ("w2_lstm", "LSTM", 32, 128, False, "last"),
    ("w2_gru", "GRU", 32, 128, False, "last"),
    ("w2_rnn", "SimpleRnn", 32, 128, False, "last"),
    ("w3_lstm", "LSTM", 32, 32, False, "seq"),
    ("w3_gru", "GRU", 32, 32, False, "seq"),
    ("w3_rnn", "SimpleRnn", 32, 32, False, "seq"),
    ("w5_bilstm", "LSTM", 64, 128, True, "seq"),
]
SHAPES = {"w1": (1, 1), "w2": (1, 100), "w3": (32, 500), "w5": (16, 200)}  # batch, steps


def read_safetensors(path):
    """{name: float32 tensor} from a safetensors file (F32 only, as RnnGen writes)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32).reshape(info["shape"])
    return tensors


class Step(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, h0, c0=None):
        if c0 is None:
            return self.rnn(x, h0)[1]
        return self.rnn(x, (h0, c0))[1]


class LastState(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        state = self.rnn(x)[1]
        return state[0] if isinstance(state, tuple) else state


class Sequence(torch.nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def build(name, cell, inputs, hidden, bidirectional, weights):
    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRnn": torch.nn.RNN}[cell]
    rnn = cls(inputs, hidden, batch_first=True, bidirectional=bidirectional)
    state = {k.split(".", 1)[1]: v for k, v in weights.items()}  # "Rnn.weight_ih_l0" -> "weight_ih_l0"
    rnn.load_state_dict(state, strict=True)
    return rnn.eval()


def check_graph(path):
    try:
        import onnx
    except ImportError:
        print(f"  (python3-onnx not installed: graph of {os.path.basename(path)} not checked)")
        return
    model = onnx.load(path)
    onnx.checker.check_model(model)
    ops = [n.op_type for n in model.graph.node]
    print(f"  opset {model.opset_import[0].version}, nodes: {' '.join(ops)}")
    for node in model.graph.node:
        if node.op_type == "GRU":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if attrs.get("linear_before_reset") != 1:
                sys.exit(f"{path}: GRU node without linear_before_reset=1 (attributes {attrs})")
            print("  GRU linear_before_reset=1 (PyTorch's reset-after form)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weights", help="folder of <name>.safetensors written by the benchmark's --save-weights")
    parser.add_argument("out", help="folder for <name>.onnx")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    print(f"PyTorch {torch.__version__}")
    for name, cell, inputs, hidden, bidirectional, kind in WORKLOADS:
        rnn = build(name, cell, inputs, hidden, bidirectional, read_safetensors(os.path.join(args.weights, name + ".safetensors")))
        batch, steps = SHAPES[name[:2]]
        x = torch.randn(batch, steps, inputs)
        if kind == "step":
            h0 = torch.zeros(1, batch, hidden)
            module = Step(rnn)
            if cell == "LSTM":
                example, in_names, out_names = (x, h0, torch.zeros(1, batch, hidden)), ["x", "h0", "c0"], ["hn", "cn"]
            else:
                example, in_names, out_names = (x, h0), ["x", "h0"], ["hn"]
        else:
            module = LastState(rnn) if kind == "last" else Sequence(rnn)
            example, in_names, out_names = (x,), ["x"], ["y"]
        path = os.path.join(args.out, name + ".onnx")
        with torch.no_grad():
            torch.onnx.export(module, example, path, opset_version=14, do_constant_folding=True,
                              input_names=in_names, output_names=out_names)
        print(f"{path}: {cell} {inputs}->{hidden}{' bidirectional' if bidirectional else ''}, batch {batch}, {steps} step(s), "
              f"{os.path.getsize(path)} bytes")
        check_graph(path)


if __name__ == "__main__":
    main()
