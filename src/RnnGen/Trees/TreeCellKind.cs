namespace RnnGen.Trees;

/// <summary>The composition cell of a tree layer.</summary>
public enum TreeCellKind
{
    /// <summary>Socher et al. 2011 (<see cref="TreeRnnAttribute"/>): <c>p = tanh(W [h_l; h_r] + b)</c>, leaves are their inputs (input size = hidden size).</summary>
    Tanh,

    /// <summary>The binary Tree-LSTM of Tai et al. 2015 (<see cref="TreeLstmAttribute"/>, <see cref="TreeLstmCell"/>).</summary>
    Lstm,
}
