namespace RnnGen.Tests.Models;

// The PyTorch fixtures as RnnGen models: recurrent layers returning sequences, no Dense, so that the model
// output is PyTorch's `output` and the model state is PyTorch's h_n / c_n.

[RnnModel(InputSize = 3)]
public partial class RnnTanhFixture
{
    [SimpleRnn(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 3)]
public partial class RnnReluFixture
{
    [SimpleRnn(4, Activation.Relu, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 3)]
public partial class LstmFixture
{
    [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 3)]
public partial class GruFixture
{
    [Gru(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 5)]
public partial class Lstm2LayerFixture
{
    [Lstm(6, ReturnSequences = true)] public partial RecurrentLayer Layer0 { get; }
    [Lstm(6, ReturnSequences = true)] public partial RecurrentLayer Layer1 { get; }
}

[RnnModel(InputSize = 4)]
public partial class GruBidirectionalFixture
{
    [Bidirectional, Gru(5, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 3)]
public partial class LstmBidirectional2LayerFixture
{
    [Bidirectional, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Layer0 { get; }
    [Bidirectional, Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Layer1 { get; }
}

[RnnModel(InputSize = 32)]
public partial class LstmLargeFixture
{
    [Lstm(64, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 20)]
public partial class GruLargeFixture
{
    [Bidirectional, Gru(40, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 7)]
public partial class RnnTanhLargeFixture
{
    [SimpleRnn(24, ReturnSequences = true)] public partial RecurrentLayer Layer0 { get; }
    [SimpleRnn(24, ReturnSequences = true)] public partial RecurrentLayer Layer1 { get; }
}

// LSTMs with a projection (PyTorch proj_size = 3): h = W_hr (o ⊙ tanh(c)) has 3 floats, c has 5

[RnnModel(InputSize = 3)]
public partial class LstmProjFixture
{
    [Lstm(5, ProjectionSize = 3, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
}

[RnnModel(InputSize = 3)]
public partial class LstmProjBidirectional2LayerFixture
{
    [Bidirectional, Lstm(5, ProjectionSize = 3, ReturnSequences = true)] public partial RecurrentLayer Layer0 { get; }
    [Bidirectional, Lstm(5, ProjectionSize = 3, ReturnSequences = true)] public partial RecurrentLayer Layer1 { get; }
}
