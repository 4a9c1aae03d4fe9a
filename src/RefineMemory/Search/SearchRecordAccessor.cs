using System.Globalization;
using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using RefineMemory.Connectors;

namespace RefineMemory.Search;

/// <summary>
/// What the decorator needs from a record of any store: its key (to match the two searches), its text
/// (for the judge) and its vector (for the gradient), read through the VectorData record model.
/// </summary>
internal sealed class SearchRecordAccessor<TRecord>
    where TRecord : class
{
    private readonly Func<TRecord, string> _key;
    private readonly Func<TRecord, ReadOnlyMemory<float>?> _vector;
    private readonly Func<TRecord, string> _text;

    public SearchRecordAccessor(RefinedVectorSearchOptions<TRecord> options)
    {
        if (options.KeySelector is { } key && options.VectorSelector is { } vector && options.TextSelector is { } text)
        {
            // Records read by code alone (no VectorData model): the store searches its only vector.
            (_key, _vector, _text) = (key, vector, text);
            VectorName = options.VectorPropertyName ?? "the record's vector";
            VectorsAreFloats = true;
            return;
        }

        var model = Build(options);
        var keyProperty = model.KeyProperty;
        var vectorProperty = ChooseVector(model, options.VectorPropertyName);
        _key = options.KeySelector ?? (record => Convert.ToString(keyProperty.GetValueAsObject(record!), CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"A record returned by the store has no value in its key property '{keyProperty.ModelName}'."));
        _vector = options.VectorSelector ?? (record => RecordModelBuilder.ReadVector(vectorProperty.GetValueAsObject(record!)));
        _text = options.TextSelector ?? TextReader(model, options.TextPropertyName);
        VectorName = vectorProperty.ModelName;
        Dimensions = vectorProperty.Dimensions > 0 ? vectorProperty.Dimensions : null;
        VectorsAreFloats = RecordModelBuilder.IsFloatVector(vectorProperty.Type);
        VectorProperty = options.VectorPropertyName is null ? null : Selector(vectorProperty);
    }

    /// <summary>The name of the vector property searched.</summary>
    public string VectorName { get; }

    /// <summary>The vector property's dimensions as the record definition declares them; null for records read by code alone.</summary>
    public int? Dimensions { get; }

    /// <summary>Whether the vector property holds floats the refiner can read (false: the store embeds text itself).</summary>
    public bool VectorsAreFloats { get; }

    /// <summary>The vector property for <c>VectorSearchOptions.VectorProperty</c> when the caller named one.</summary>
    public Expression<Func<TRecord, object?>>? VectorProperty { get; }

    public string Key(TRecord record) => _key(record);

    public string Text(TRecord record) => _text(record) ?? "";

    /// <summary>The record's vector, or <c>null</c> when the store returned none (absent or empty).</summary>
    public ReadOnlyMemory<float>? Vector(TRecord record)
    {
        var vector = _vector(record);
        return vector.HasValue && !vector.Value.IsEmpty ? vector : null;
    }

    private static CollectionModel Build(RefinedVectorSearchOptions<TRecord> options)
    {
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
        {
            return RecordModelBuilder.ForReading().BuildDynamic(
                options.Definition ?? throw new ArgumentException("Dynamic Dictionary<string, object?> records need RefinedVectorSearchOptions.Definition (the collection's record definition).", nameof(options)),
                null);
        }

        var keyType = options.Definition?.Properties.OfType<Microsoft.Extensions.VectorData.VectorStoreKeyProperty>().FirstOrDefault()?.Type
            ?? typeof(TRecord).GetProperties().FirstOrDefault(p => p.IsDefined(typeof(Microsoft.Extensions.VectorData.VectorStoreKeyAttribute), true))?.PropertyType
            ?? throw new ArgumentException($"Record type '{typeof(TRecord).Name}' has no key: mark one property [VectorStoreKey] or pass RefinedVectorSearchOptions.Definition.", nameof(options));
        return RecordModelBuilder.ForReading().Build(typeof(TRecord), keyType, options.Definition, null);
    }

    private static VectorPropertyModel ChooseVector(CollectionModel model, string? name)
    {
        string names = string.Join(", ", model.VectorProperties.Select(v => $"'{v.ModelName}'"));
        if (name is not null)
        {
            return model.VectorProperties.FirstOrDefault(v => v.ModelName == name)
                ?? throw new ArgumentException($"Record type '{typeof(TRecord).Name}' has no vector property '{name}'; its vector properties: {(names.Length == 0 ? "none" : names)}.", nameof(name));
        }

        return model.VectorProperties.Count switch
        {
            1 => model.VectorProperties[0],
            0 => throw new ArgumentException($"Record type '{typeof(TRecord).Name}' has no vector property; mark one [VectorStoreVector] or declare it in the definition."),
            _ => throw new ArgumentException($"Record type '{typeof(TRecord).Name}' has several vector properties ({names}); set RefinedVectorSearchOptions.VectorPropertyName."),
        };
    }

    private static Func<TRecord, string> TextReader(CollectionModel model, string? name)
    {
        var strings = model.DataProperties.Where(p => p.Type == typeof(string)).ToArray();
        string names = string.Join(", ", strings.Select(p => $"'{p.ModelName}'"));
        DataPropertyModel property = name is not null
            ? strings.FirstOrDefault(p => p.ModelName == name)
                ?? throw new ArgumentException($"Record type '{typeof(TRecord).Name}' has no string data property '{name}'; its string data properties: {(names.Length == 0 ? "none" : names)}.", nameof(name))
            : strings.Length == 1
                ? strings[0]
                : throw new ArgumentException(strings.Length == 0
                    ? $"Record type '{typeof(TRecord).Name}' has no string data property for the judge to read; set RefinedVectorSearchOptions.TextSelector."
                    : $"Record type '{typeof(TRecord).Name}' has several string data properties ({names}); set RefinedVectorSearchOptions.TextPropertyName or TextSelector.");
        return record => (string?)property.GetValueAsObject(record!) ?? "";
    }

    private static Expression<Func<TRecord, object?>> Selector(VectorPropertyModel vector)
    {
        var record = Expression.Parameter(typeof(TRecord), "r");
        Expression body = vector.PropertyInfo is { } info
            ? Expression.Convert(Expression.Property(record, info), typeof(object))
            : Expression.Property(record, "Item", Expression.Constant(vector.ModelName));
        return Expression.Lambda<Func<TRecord, object?>>(body, record);
    }
}
