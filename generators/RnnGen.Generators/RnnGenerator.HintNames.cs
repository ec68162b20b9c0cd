using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    /// <summary>
    /// File names of the generated sources. Roslyn compares them ignoring case and allows few characters, so two models
    /// whose names differ only in case (M and m) or only in type arguments of a container (Outer.M and Outer&lt;T&gt;.M) get a
    /// numbered name each, ranked by their full names so that the numbers do not depend on the order of the files.
    /// </summary>
    internal static class HintNames
    {
        /// <summary>The model's full name: namespace, containing types with their type parameters, class.</summary>
        public static string Key(ModelSpec model)
            => (model.Namespace.Length == 0 ? string.Empty : model.Namespace + ".") +
               string.Concat(model.ContainingTypes.Select(t => t.Split(' ').Last() + ".")) + model.ClassName;

        public static string For(ModelSpec model, EquatableArray<string> keys)
        {
            string key = Key(model);
            string name = Sanitize(key);
            List<string> same = keys.Where(k => string.Equals(Sanitize(k), name, StringComparison.OrdinalIgnoreCase))
                .Append(key).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal).ToList();
            return same.Count > 1 ? name + "." + (same.IndexOf(key) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".g.cs" : name + ".g.cs";
        }

        /// <summary>Letters, digits, '.' and '_' only: '@' goes, type parameter lists become '_'.</summary>
        private static string Sanitize(string key)
        {
            var sb = new StringBuilder(key.Length);
            foreach (char c in key)
            {
                if (char.IsLetterOrDigit(c) || c is '.' or '_')
                {
                    sb.Append(c);
                }
                else if (c != '@')
                {
                    sb.Append('_');
                }
            }

            return sb.ToString();
        }
    }
}
