using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generators.Model;

/// <summary>
/// A diagnostic as plain data (descriptor id, file, span, arguments), so the pipeline holds no
/// <see cref="Location"/> and a moved line re-reports diagnostics without regenerating code.
/// </summary>
internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
    {
        var builder = System.Collections.Immutable.ImmutableArray.CreateBuilder<string>(args.Length);
        foreach (object? arg in args)
        {
            builder.Add(Convert.ToString(arg, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        }

        FileLinePositionSpan line = location?.GetLineSpan() ?? default;
        return new DiagnosticInfo(descriptor.Id, location?.SourceTree?.FilePath ?? string.Empty,
            location?.SourceSpan ?? default, line.Span, new EquatableArray<string>(builder.MoveToImmutable()));
    }

    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptorsById.Get(Id);
        Location location = FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
        object[] args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i];
        }

        return Diagnostic.Create(descriptor, location, args);
    }
}

internal static class DiagnosticDescriptorsById
{
    private static readonly System.Collections.Generic.Dictionary<string, DiagnosticDescriptor> Map = Build();

    public static DiagnosticDescriptor Get(string id) => Map[id];

    private static System.Collections.Generic.Dictionary<string, DiagnosticDescriptor> Build()
    {
        var map = new System.Collections.Generic.Dictionary<string, DiagnosticDescriptor>();
        foreach (System.Reflection.FieldInfo field in typeof(DiagnosticDescriptors).GetFields())
        {
            if (field.GetValue(null) is DiagnosticDescriptor descriptor)
            {
                map[descriptor.Id] = descriptor;
            }
        }

        return map;
    }
}
