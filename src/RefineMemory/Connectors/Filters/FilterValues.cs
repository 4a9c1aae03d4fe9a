using System.Collections;
using System.Globalization;

namespace RefineMemory.Connectors.Filters;

/// <summary>Value equality as our filters define it: numbers compare by value whatever their CLR type, Guids by value, the rest by <see cref="object.Equals(object, object)"/>.</summary>
internal static class FilterValues
{
    public static bool Same(object? stored, object? wanted)
    {
        if (stored is null || wanted is null)
        {
            return stored is null && wanted is null;
        }

        if (IsNumber(stored) && IsNumber(wanted))
        {
            return Convert.ToDouble(stored, CultureInfo.InvariantCulture) == Convert.ToDouble(wanted, CultureInfo.InvariantCulture);
        }

        return Equals(stored, wanted);
    }

    /// <summary>Whether a list-valued field holds <paramref name="wanted"/>.</summary>
    public static bool ListHolds(object? list, object? wanted)
    {
        if (list is not IEnumerable items || list is string)
        {
            return false;
        }

        foreach (object? item in items)
        {
            if (Same(item, wanted))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsNumber(object value) =>
        value is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal;
}
