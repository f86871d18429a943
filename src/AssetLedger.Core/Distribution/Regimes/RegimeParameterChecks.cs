namespace AssetLedger.Core.Distribution.Regimes;

/// <summary>Shared parameter checks.</summary>
internal static class RegimeParameterChecks
{
    public static void ExpectNone(string regime, RegimeParameters? parameters, ValidationErrors errors)
    {
        if (parameters is not null) errors.Add("parameters", $"regime {regime} takes no parameters");
    }

    /// <summary>The typed parameters of a regime, or null with an error when they are missing or of another regime.</summary>
    public static T? Expect<T>(string regime, RegimeParameters? parameters, ValidationErrors errors, bool required = true)
        where T : RegimeParameters
    {
        if (parameters is T typed) return typed;
        if (parameters is not null) errors.Add("parameters", $"these parameters do not belong to regime {regime}");
        else if (required) errors.Add("parameters", $"regime {regime} needs parameters");
        return null;
    }
}
