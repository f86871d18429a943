using System.Text.Json;
using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Refusing;

/// <summary><c>POST /api/certificates/{id}/refusal</c>: recognition refused on grounds of Art 8(1) / Art 19(1), after consulting.</summary>
[CertificateCommand("refusal", "Refuse recognition", Roles.Prosecutor)]
public sealed class RefuseSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var grounds = GroundCodes.Parse(f);
        var reason = f.Text("reason", true, Fields.LongText);
        return f.Ok ? new RefuseCertificate(grounds, reason!, Partly: false, null) : null;
    }
}

/// <summary><c>POST /api/certificates/{id}/partial-refusal</c>: recognised in part; <c>recognisedAmount</c> is the part executed, when a sum.</summary>
[CertificateCommand("partial-refusal", "Recognise in part", Roles.Prosecutor)]
public sealed class PartialRefusalSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var grounds = GroundCodes.Parse(f);
        var reason = f.Text("reason", true, Fields.LongText);
        var part = f.Money("recognisedAmount", false, allowZero: false);
        return f.Ok ? new RefuseCertificate(grounds, reason!, Partly: true, part) : null;
    }
}

/// <summary>The <c>grounds</c> field: a list of ground codes (which codes apply is the decider's rule, per certificate kind).</summary>
public static class GroundCodes
{
    public static IReadOnlyList<string> Parse(Fields f) =>
        f.Array<string>("grounds", true, 10, (e, name, parent) =>
        {
            if (e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 and <= 16 } s && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return s;
            parent.Fail(name, "Must be a ground code such as \"art19-1-a\".");
            return null;
        }).Distinct().ToList()!;
}
