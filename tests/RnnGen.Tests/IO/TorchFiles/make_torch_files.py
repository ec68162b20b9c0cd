#!/usr/bin/env python3
"""Writes a safetensors file with PyTorch (Debian's python3-torch, /usr/bin/python3) and PyTorch's outputs for it.

lstm_linear.safetensors: an nn.LSTM(3, 4, batch_first=True) named "Rnn" and an nn.Linear(4, 2) named "Classifier",
state_dict tensors prefixed with the member names RnnGen uses. The file format is written by hand (8-byte little-endian
header length, JSON header, raw float32 data) because Debian's torch ships without the safetensors package; the format
is the one safetensors.torch.save_file writes. lstm_linear.json: an input [2, 5, 3], the Linear applied to the last
step's hidden state (PyTorch's output), and h_n, c_n.
"""
import json
import struct

import torch

torch.manual_seed(1234)
rnn = torch.nn.LSTM(3, 4, batch_first=True)
linear = torch.nn.Linear(4, 2)
tensors = {f"Rnn.{k}": v for k, v in rnn.state_dict().items()}
tensors.update({f"Classifier.{k}": v for k, v in linear.state_dict().items()})

header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
for name, tensor in tensors.items():
    data = tensor.detach().to(torch.float32).contiguous().numpy().tobytes()
    header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
    blobs.append(data)
text = json.dumps(header, separators=(",", ":")).encode("utf-8")
text += b" " * ((8 - len(text) % 8) % 8)
with open("lstm_linear.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)

x = torch.randn(2, 5, 3)
with torch.no_grad():
    out, (h_n, c_n) = rnn(x)
    y = linear(out[:, -1, :])
with open("lstm_linear.json", "w") as f:
    json.dump({
        "generator": f"make_torch_files.py, torch {torch.__version__}",
        "input": x.flatten().tolist(), "input_shape": list(x.shape),
        "output": y.flatten().tolist(), "output_shape": list(y.shape),
        "h_n": h_n.flatten().tolist(), "c_n": c_n.flatten().tolist(),
        "weights": {k: v.flatten().tolist() for k, v in tensors.items()},
    }, f, indent=1)
print("wrote lstm_linear.safetensors and lstm_linear.json")
