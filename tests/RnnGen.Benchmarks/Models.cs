using RnnGen;

namespace RnnGen.Benchmarks;

// W1 streaming: input 1, hidden 32, batch 1, one Step at a time.
[RnnModel(InputSize = 1)] public partial class W1Lstm { [Lstm(32)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 1)] public partial class W1Gru { [Gru(32)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 1)] public partial class W1Rnn { [SimpleRnn(32)] public partial RecurrentLayer Rnn { get; } }

// W2 small inference: input 32, hidden 128, batch 1, 100 steps.
[RnnModel(InputSize = 32)] public partial class W2Lstm { [Lstm(128)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class W2Gru { [Gru(128)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class W2Rnn { [SimpleRnn(128)] public partial RecurrentLayer Rnn { get; } }

// W3 IMDB-like: input 32, hidden 32, batch 32, 500 steps (sequence output so forward+backward covers every step).
[RnnModel(InputSize = 32)] public partial class W3Lstm { [Lstm(32, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class W3Gru { [Gru(32, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class W3Rnn { [SimpleRnn(32, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }

// W4 char-LM: input 65, hidden 256, 2 stacked layers, batch 32, 100 steps.
[RnnModel(InputSize = 65)] public partial class W4Lstm { [Lstm(256, ReturnSequences = true)] public partial RecurrentLayer L0 { get; } [Lstm(256, ReturnSequences = true)] public partial RecurrentLayer L1 { get; } }
[RnnModel(InputSize = 65)] public partial class W4Gru { [Gru(256, ReturnSequences = true)] public partial RecurrentLayer L0 { get; } [Gru(256, ReturnSequences = true)] public partial RecurrentLayer L1 { get; } }
[RnnModel(InputSize = 65)] public partial class W4Rnn { [SimpleRnn(256, ReturnSequences = true)] public partial RecurrentLayer L0 { get; } [SimpleRnn(256, ReturnSequences = true)] public partial RecurrentLayer L1 { get; } }

// W5 bidirectional LSTM: input 64, hidden 128, batch 16, 200 steps.
[RnnModel(InputSize = 64)] public partial class W5BiLstm { [Bidirectional, Lstm(128, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }

// Scaling sweep: LSTM forward, input 32, hidden 16 … 1024.
[RnnModel(InputSize = 32)] public partial class SweepH16 { [Lstm(16, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class SweepH32 { [Lstm(32, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class SweepH64 { [Lstm(64, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class SweepH128 { [Lstm(128, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class SweepH256 { [Lstm(256, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class SweepH512 { [Lstm(512, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
[RnnModel(InputSize = 32)] public partial class SweepH1024 { [Lstm(1024, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }
