namespace RnnGen.Layers;

/// <summary>
/// Compile-time sizes of one recurrent layer direction. The generator emits one struct per layer that
/// implements this; kernels take it as a type argument (<c>LstmLayer.Forward&lt;TShape&gt;</c>) so that the
/// JIT compiles a copy per shape in which the sizes are constants — the .NET counterpart of a C++ template.
/// </summary>
public interface IRecurrentShape
{
    /// <summary>Features per step fed to the layer (I).</summary>
    static abstract int InputSize { get; }

    /// <summary>Hidden units (H).</summary>
    static abstract int Units { get; }
}
