using System.Globalization;

namespace RnnGen.IO;

/// <summary>Finds the NaN and infinite values weight loading rejects unless <see cref="WeightLoadOptions.AllowNonFinite"/>.</summary>
internal static class NonFinite
{
    public const string Advice = "weights must be finite (set WeightLoadOptions.AllowNonFinite to load it anyway)";

    /// <summary>The index of the first NaN or infinite value, or −1.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);
}
