namespace AssetLedger.Core.Distribution;

/// <summary>Collects field → messages, in the order they were found.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public bool Any => _byField.Count > 0;

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages))
            _byField[field] = messages = [];
        if (!messages.Contains(message)) messages.Add(message);
    }

    public DistributionRejected ToRejection() =>
        new(_byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal));
}
