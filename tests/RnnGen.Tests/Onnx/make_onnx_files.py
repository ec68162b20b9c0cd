"""Makes the PyTorch ONNX files the import tests load, and PyTorch's outputs beside them.

Run from this folder with Debian's PyTorch 1.13 (apt-get install python3-torch):  /usr/bin/python3 make_onnx_files.py
Each model mirrors a declared RnnGen model in OnnxModels.cs; each file is torch.onnx.export at opset 14 (batch and time
dynamic), and <name>.json holds the inputs, the lengths of a padded batch and PyTorch's float32 outputs for both batches
(the padded one through pack_padded_sequence; per-step outputs past a sequence's length are zero, as Predict writes them).
"""
import json
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

BATCH, TIME = 4, 6
LENGTHS = [TIME, 3, 1, TIME - 1]


def run(rnn, x, lengths):
    """Runs a batch-first RNN module; with lengths, packed (padded steps ignored). Returns (outputs, h_n)."""
    if lengths is None:
        y, h = rnn(x)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        y, h = rnn(packed)
        y, _ = pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])
    return y, (h[0] if isinstance(h, tuple) else h)


def zero_padding(y, lengths):
    if lengths is not None:
        for b, n in enumerate(lengths):
            y[b, n:] = 0
    return y


class Tagger(nn.Module):
    """OnnxTokenTagger: Embedding(30, 6) -> bidirectional LSTM(5) -> GRU(4) -> Linear(3) -> softmax per step."""

    def __init__(self):
        super().__init__()
        self.words = nn.Embedding(30, 6)
        self.encoder = nn.LSTM(6, 5, batch_first=True, bidirectional=True)
        self.refine = nn.GRU(10, 4, batch_first=True)
        self.tags = nn.Linear(4, 3)

    def forward(self, tokens, lengths=None):
        y, _ = run(self.encoder, self.words(tokens), lengths)
        y, _ = run(self.refine, y, lengths)
        return zero_padding(torch.softmax(self.tags(y), dim=-1), lengths)


class RnnStack(nn.Module):
    """TorchRnnStack: RNN tanh -> residual RNN relu -> bidirectional RNN tanh (last step, sum) -> Linear(2) -> tanh."""

    def __init__(self):
        super().__init__()
        self.first = nn.RNN(4, 4, batch_first=True)
        self.second = nn.RNN(4, 4, nonlinearity="relu", batch_first=True)
        self.third = nn.RNN(4, 5, batch_first=True, bidirectional=True)
        self.out = nn.Linear(5, 2)

    def forward(self, x, lengths=None):
        h1, _ = run(self.first, x, lengths)
        h2, _ = run(self.second, h1, lengths)
        _, h3 = run(self.third, h2 + h1, lengths)
        return torch.tanh(self.out(h3[0] + h3[1]))


class GruClassifier(nn.Module):
    """OnnxGruClassifier: bidirectional GRU(3) (last step, concat) -> Linear(4) -> softmax."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(3, 3, batch_first=True, bidirectional=True)
        self.classify = nn.Linear(6, 4)

    def forward(self, x, lengths=None):
        _, h = run(self.encoder, x, lengths)
        return torch.softmax(self.classify(torch.cat([h[0], h[1]], dim=-1)), dim=-1)


class LstmStack(nn.Module):
    """OnnxPeepholeLstm, its peepholes zero (PyTorch has none): LSTM(6) -> bidirectional LSTM(4) (last step, multiply) -> Linear(3)."""

    def __init__(self):
        super().__init__()
        self.first = nn.LSTM(2, 6, batch_first=True)
        self.second = nn.LSTM(6, 4, batch_first=True, bidirectional=True)
        self.out = nn.Linear(4, 3)

    def forward(self, x, lengths=None):
        y, _ = run(self.first, x, lengths)
        _, h = run(self.second, y, lengths)
        return self.out(h[0] * h[1])


def pad(x, lengths, filler):
    x = x.clone()
    for b, n in enumerate(lengths):
        x[b, n:] = filler
    return x


def save(name, model, x, x_padded, input_name):
    model.eval()
    with torch.no_grad():
        plain = model(x)
        padded = model(x_padded, LENGTHS)
    torch.onnx.export(model, (x,), f"Files/{name}.onnx", opset_version=14, input_names=[input_name], output_names=["output"],
                      dynamic_axes={input_name: {0: "batch", 1: "time"}, "output": {0: "batch"}})
    with open(f"Files/{name}.json", "w") as f:
        json.dump({
            "batch": BATCH, "time": TIME, "lengths": LENGTHS,
            "inputs": x.flatten().tolist(), "paddedInputs": x_padded.flatten().tolist(),
            "outputs": plain.flatten().tolist(), "paddedOutputs": padded.flatten().tolist(),
        }, f)
    print(name, tuple(plain.shape))


def main():
    torch.manual_seed(16)
    tagger = Tagger()
    tokens = torch.randint(0, 30, (BATCH, TIME))
    save("torch_tagger", tagger, tokens, pad(tokens, LENGTHS, 29), "tokens")

    stack = RnnStack()
    x = torch.rand(BATCH, TIME, 4) * 2 - 1
    save("torch_rnn_stack", stack, x, pad(x, LENGTHS, 3.0), "input")

    classifier = GruClassifier()
    x = torch.rand(BATCH, TIME, 3) * 2 - 1
    save("torch_gru_classifier", classifier, x, pad(x, LENGTHS, 3.0), "input")

    lstm = LstmStack()
    x = torch.rand(BATCH, TIME, 2) * 2 - 1
    save("torch_lstm_stack", lstm, x, pad(x, LENGTHS, 3.0), "input")


if __name__ == "__main__":
    main()
