using System.Reflection;
using System.Reflection.Emit;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// Hot loops run fully optimised from the first call. A kernel or layer driver left to tiered compilation runs its first
/// calls unoptimised and is then profiled on whichever model the process ran first, which made the same LSTM several
/// times slower depending on what had run before it (docs/benchmarks.md).
/// </summary>
public sealed class FullOptimizationTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    [Fact]
    public void Every_kernel_layer_and_hot_runtime_method_with_a_loop_is_fully_optimised_or_inlined()
    {
        Assembly runtime = typeof(RnnGen.Layers.DenseKernel).Assembly;
        string[] namespaces = ["RnnGen.Layers", "RnnGen.Kernels"];
        // beyond the kernels, the per-element loops every call or batch runs: optimizers, losses, tree cells, decoding, input checks
        string[] hot = ["Adam", "RmsProp", "Sgd", "Losses", "TreeLstmCell", "TreeRnnCell", "TreeSchedule", "LanguageModelBeam", "BeamCandidates", "BeamSearch", "TokenSampler", "Guard", "FiniteStep"];
        var tiered = new List<string>();
        int looping = 0;
        foreach (Type type in runtime.GetTypes().Where(t => namespaces.Contains(t.Namespace) || hot.Contains(t.Name)))
        {
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
                if (il is null || !HasBackwardBranch(il)) continue;
                looping++;
                MethodImplAttributes flags = method.MethodImplementationFlags;
                if (!flags.HasFlag(MethodImplAttributes.AggressiveOptimization) && !flags.HasFlag(MethodImplAttributes.AggressiveInlining))
                {
                    tiered.Add($"{type.Name}.{method.Name}");
                }
            }
        }

        Assert.True(looping > 20, $"only {looping} methods with loops found: the IL walk is broken");
        Assert.True(tiered.Count == 0, "loops left to tiered compilation: " + string.Join(", ", tiered.Order()));
    }

    [Fact]
    public void The_loop_detector_sees_a_loop_and_no_loop()
    {
        Assert.True(HasBackwardBranch(typeof(FullOptimizationTests).GetMethod(nameof(Sum), BindingFlags.NonPublic | BindingFlags.Static)!.GetMethodBody()!.GetILAsByteArray()!));
        Assert.False(HasBackwardBranch(typeof(FullOptimizationTests).GetMethod(nameof(Twice), BindingFlags.NonPublic | BindingFlags.Static)!.GetMethodBody()!.GetILAsByteArray()!));
    }

    private static int Sum(int[] values)
    {
        int total = 0;
        for (int i = 0; i < values.Length; i++) total += values[i];
        return total;
    }

    private static int Twice(int value) => value > 0 ? 2 * value : 0;

    /// <summary>Walks the IL: a branch to an earlier offset is a loop.</summary>
    private static bool HasBackwardBranch(byte[] il)
    {
        int at = 0;
        while (at < il.Length)
        {
            int start = at;
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.ShortInlineBrTarget:
                    if (at + 1 + (sbyte)il[at] <= start) return true;
                    at += 1;
                    break;
                case OperandType.InlineBrTarget:
                    if (at + 4 + BitConverter.ToInt32(il, at) <= start) return true;
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + 4 * BitConverter.ToInt32(il, at);
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineI or OperandType.ShortInlineVar: at += 1; break;
                case OperandType.InlineVar: at += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: at += 8; break;
                default: at += 4; break;
            }
        }

        return false;
    }
}
