using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace AssetLedger.Api.Tests.Validation;

using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Api.Tests.Security;

/// <summary>One malformed request of the R3 corpus: what is wrong, the body, and the field that must be named (null: the body as a whole).</summary>
public sealed record Malformed(string Route, string What, byte[] Body, string? Field)
{
    public bool LoneSurrogate => What.Contains("lone surrogate", StringComparison.Ordinal);

    public override string ToString() => $"{Route} — {What}";
}

/// <summary>
/// The R3 corpus, generated systematically: for every POST route a valid base body, then the whole
/// body broken in every way, then each field missing, null, of the wrong JSON type, and wrong in the
/// ways its kind can be wrong.
/// </summary>
public static class MalformedCorpus
{
    public enum Kind { Id, Text, Reference, LongText, Instant, Date, Money, Enum, Country, Offences, Agencies, Identifiers, Version, Deadlines }

    public sealed record Field(string Name, Kind Kind, bool Required, params string[] EnumValues);

    /// <summary>A POST route: its name, whom to send it as, its valid base body (ids filled in per test) and its fields.</summary>
    public sealed record PostRoute(string Name, string Token, string BaseBody, Field[] Fields)
    {
        public string Url(Ids ids) => Name.Replace("POST ", "").Replace("{caseId}", ids.Case.ToString()).Replace("{assetId}", ids.Asset.ToString())
            .Replace("{certificateId}", ids.Certificate.ToString());

        /// <summary>Whether the route acts on a certificate (the test issues one first).</summary>
        public bool OnCertificate => Name.Contains("{certificateId}", StringComparison.Ordinal);
        public JsonObject Base() => (JsonObject)JsonNode.Parse(BaseBody.Replace("$new", Guid.NewGuid().ToString()))!;
    }

    private static Field Cmd => new("commandId", Kind.Id, true);
    private static Field Version => new("expectedVersion", Kind.Version, false);
    private static readonly string[] ValuationMethods = ["market", "appraisal", "book", "face_value", "quote"];
    private static readonly string[] RealisationMethods = ["sale", "auction", "funds_transfer", "cash"];
    private static readonly string[] ReleaseReasons = ["court_order", "order_expired", "recognition_refused", "third_party_claim", "cap_exceeded", "other"];
    private static readonly string[] DisposalMethods = ["destroyed", "official_use", "transferred_in_kind"];
    private static readonly string[] CertificateKinds = ["freezing", "confiscation"];
    private static readonly string[] Offences = ["participation_in_criminal_organisation", "trafficking_in_human_beings", "laundering_of_proceeds", "facilitation_of_unauthorised_entry_and_residence", "other"];
    private static readonly string[] AssetKinds = ["cash", "bank_account", "real_estate", "vehicle", "vessel", "aircraft", "crypto", "securities", "business", "goods", "other"];

    public static readonly IReadOnlyList<PostRoute> Routes =
    [
        new("POST /api/cases", Tokens.Investigator,
            """{ "caseId": "$new", "reference": "NL-2026-0777", "title": "Operation Harbour", "offences": ["money_laundering"], "participatingAgencies": ["KMAR"] }""",
            [new("caseId", Kind.Id, true), new("reference", Kind.Reference, true), new("title", Kind.Text, true),
             new("offences", Kind.Offences, true), new("participatingAgencies", Kind.Agencies, false)]),
        new("POST /api/cases/{caseId}/close", Tokens.Prosecutor,
            """{ "commandId": "$new", "reason": "Investigation concluded" }""",
            [Cmd, new("reason", Kind.LongText, true), Version]),
        new("POST /api/cases/{caseId}/assets", Tokens.Investigator,
            """{ "assetId": "$new", "kind": "bank_account", "description": "Current account", "identifiers": { "iban": "NL91ABNA0417164300" }, "location": "NL", "holder": "Shell company B.V." }""",
            [new("assetId", Kind.Id, true), new("kind", Kind.Enum, true, AssetKinds), new("description", Kind.LongText, false),
             new("identifiers", Kind.Identifiers, false), new("location", Kind.Country, true), new("holder", Kind.Text, false), Version]),
        new("POST /api/assets/{assetId}/freeze", Tokens.Investigator,
            """{ "commandId": "$new", "orderReference": "R-1", "frozenAt": "2026-03-01T10:00:00Z", "amount": { "amount": "120000.00", "currency": "EUR" }, "holder": "Bank" }""",
            [Cmd, new("orderReference", Kind.Text, true), new("frozenAt", Kind.Instant, true), new("amount", Kind.Money, false), new("holder", Kind.Text, false), Version]),
        new("POST /api/assets/{assetId}/seize", Tokens.Investigator,
            """{ "commandId": "$new", "custodian": "ORD", "location": "Depot Utrecht", "seizedAt": "2026-03-02T10:00:00Z", "sealNumber": "S-1" }""",
            [Cmd, new("custodian", Kind.Text, true), new("location", Kind.Text, true), new("seizedAt", Kind.Instant, true), new("sealNumber", Kind.Text, false), Version]),
        new("POST /api/assets/{assetId}/custody-transfers", Tokens.Investigator,
            """{ "commandId": "$new", "toCustodian": "Domeinen", "toLocation": "Depot Zwolle", "transferredAt": "2026-03-03T10:00:00Z", "sealNumber": "S-2" }""",
            [Cmd, new("toCustodian", Kind.Text, true), new("toLocation", Kind.Text, true), new("transferredAt", Kind.Instant, true), new("sealNumber", Kind.Text, false), Version]),
        new("POST /api/assets/{assetId}/valuations", Tokens.Treasury,
            """{ "commandId": "$new", "value": { "amount": "25000.00", "currency": "EUR" }, "method": "face_value", "valuer": "Bank", "valuedOn": "2026-03-01", "liens": { "amount": "100.00", "currency": "EUR" } }""",
            [Cmd, new("value", Kind.Money, true), new("method", Kind.Enum, true, ValuationMethods), new("valuer", Kind.Text, true),
             new("valuedOn", Kind.Date, true), new("liens", Kind.Money, false), Version]),
        new("POST /api/assets/{assetId}/orders", Tokens.Prosecutor,
            """{ "commandId": "$new", "orderId": "$new", "type": "restraint", "court": "Rechtbank Amsterdam", "reference": "RK-1", "issuedOn": "2026-03-01", "expiresOn": "2026-09-01", "maxAmount": { "amount": "50000", "currency": "EUR" }, "issuingState": "DE", "deadlines": [ { "kind": "recognition", "due": "2026-05-01" } ] }""",
            [Cmd, new("orderId", Kind.Id, true), new("type", Kind.Enum, true, "restraint", "confiscation", "release"), new("court", Kind.Text, true),
             new("reference", Kind.Reference, true), new("issuedOn", Kind.Date, true), new("expiresOn", Kind.Date, false), new("maxAmount", Kind.Money, false),
             new("issuingState", Kind.Country, false), new("deadlines", Kind.Deadlines, false), Version]),
        new("POST /api/assets/{assetId}/appeals", Tokens.Prosecutor,
            """{ "commandId": "$new", "orderId": "$new", "lodgedOn": "2026-05-02" }""",
            [Cmd, new("orderId", Kind.Id, true), new("lodgedOn", Kind.Date, true), Version]),
        new("POST /api/assets/{assetId}/appeal-decisions", Tokens.Prosecutor,
            """{ "commandId": "$new", "orderId": "$new", "outcome": "allowed", "decidedOn": "2026-05-20" }""",
            [Cmd, new("orderId", Kind.Id, true), new("outcome", Kind.Enum, true, "dismissed", "allowed"), new("decidedOn", Kind.Date, true), Version]),
        new("POST /api/assets/{assetId}/finality", Tokens.Prosecutor,
            """{ "commandId": "$new", "orderId": "$new", "finalOn": "2026-06-01" }""",
            [Cmd, new("orderId", Kind.Id, true), new("finalOn", Kind.Date, true), Version]),
        new("POST /api/assets/{assetId}/realisation", Tokens.Treasury,
            """{ "commandId": "$new", "gross": { "amount": "20000.00", "currency": "EUR" }, "costs": { "amount": 500, "currency": "EUR" }, "method": "funds_transfer", "realisedOn": "2026-06-02", "returnedToOwner": { "amount": "100.00", "currency": "EUR" } }""",
            [Cmd, new("gross", Kind.Money, true), new("costs", Kind.Money, true), new("method", Kind.Enum, true, RealisationMethods),
             new("realisedOn", Kind.Date, true), new("returnedToOwner", Kind.Money, false), Version]),
        new("POST /api/assets/{assetId}/release", Tokens.Prosecutor,
            """{ "commandId": "$new", "reason": "third_party_claim", "releasedOn": "2026-03-05", "note": "Owner proved good faith" }""",
            [Cmd, new("reason", Kind.Enum, true, ReleaseReasons), new("releasedOn", Kind.Date, true), new("note", Kind.LongText, false), Version]),
        new("POST /api/assets/{assetId}/disposal", Tokens.Treasury,
            """{ "commandId": "$new", "method": "official_use", "disposedOn": "2026-06-03", "note": "Police vehicle" }""",
            [Cmd, new("method", Kind.Enum, true, DisposalMethods), new("disposedOn", Kind.Date, true), new("note", Kind.LongText, false), Version]),
        new("POST /api/cases/{caseId}/agencies", Tokens.Investigator,
            """{ "commandId": "$new", "agency": "POLITIE" }""",
            [Cmd, new("agency", Kind.Reference, true), Version]),
        new("POST /api/cases/{caseId}/victim-claims", Tokens.Prosecutor,
            """{ "claimId": "$new", "victimRef": "V-1", "amount": { "amount": "40000.00", "currency": "EUR" }, "basis": "compensation order", "priorityRank": 1 }""",
            [new("claimId", Kind.Id, true), new("victimRef", Kind.Reference, true), new("amount", Kind.Money, true),
             new("basis", Kind.Text, true), new("priorityRank", Kind.Version, false), Version]),
        new("POST /api/cases/{caseId}/distributions", Tokens.Treasury,
            """{ "distributionId": "$new", "regime": "eu-2018-1805", "counterparty": "DE", "parameters": {}, "assetIds": null, "currency": null, "fx": [] }""",
            [new("distributionId", Kind.Id, true), new("regime", Kind.Enum, true, "domestic", "eu-2018-1805", "fd-2006-783", "bilateral", "uncac-57", "us-equitable", "uk-aris"),
             new("counterparty", Kind.Country, false), Version]),
        new("POST /api/certificates", Tokens.Prosecutor,
            """{ "certificateId": "$new", "kind": "confiscation", "executingState": "DE", "issuingAuthority": "Openbaar Ministerie Rotterdam", "orderReference": "RTM-2026-0042", "issuedOn": "2026-02-01", "finalOn": "2026-02-20", "amountForExecutingState": { "amount": "10000.01", "currency": "EUR" }, "orderTotal": { "amount": "20000.00", "currency": "EUR" }, "offence": "trafficking_in_human_beings", "offenceDescription": "Exploitation in Rotterdam", "issuerBank": { "iban": "NL91ABNA0417164300", "bic": "ABNANL2A", "accountHolder": "Ministerie van Justitie en Veiligheid" } }""",
            [new("certificateId", Kind.Id, true), new("kind", Kind.Enum, true, CertificateKinds), new("issuingAuthority", Kind.Text, true),
             new("orderReference", Kind.Reference, true), new("issuedOn", Kind.Date, true), new("finalOn", Kind.Date, true),
             new("amountForExecutingState", Kind.Money, false), new("orderTotal", Kind.Money, false), new("offence", Kind.Enum, true, Offences),
             new("offenceDescription", Kind.LongText, false), new("caseId", Kind.Id, false)]),
        new("POST /api/certificates/{certificateId}/transmit", Tokens.Prosecutor, """{ "commandId": "$new" }""", [Cmd, Version]),
        new("POST /api/certificates/{certificateId}/withdrawal", Tokens.Prosecutor,
            """{ "commandId": "$new", "reason": "Order set aside on appeal" }""", [Cmd, new("reason", Kind.LongText, true), Version]),
        new("POST /api/certificates/{certificateId}/deadline-check", Tokens.Prosecutor, """{ "commandId": "$new" }""", [Cmd, Version]),
    ];

    public static PostRoute Route(string name) => Routes.Single(r => r.Name == name);

    /// <summary>Sends each malformed request; what went wrong (not a 400 problem, or the field not named), one line each.</summary>
    public static async Task<List<string>> SendAllAsync(Api client, string url, string token, IEnumerable<Malformed> requests)
    {
        var failures = new List<string>();
        foreach (var request in requests)
        {
            var content = new ByteArrayContent(request.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var reply = await client.Raw(HttpMethod.Post, url, "Bearer " + token, content);

            if (Problem.Check(reply, HttpStatusCode.BadRequest) is { } issue) { failures.Add($"{request.What}: {issue}"); continue; }
            if (request.Field is { } field)
            {
                var named = Problem.ErrorFields(reply);
                if (named is null) failures.Add($"{request.What}: no errors object: {Problem.Short(reply)}");
                else if (!Problem.Names(named, field)) failures.Add($"{request.What}: errors name [{string.Join(", ", named)}], not '{field}'");
            }
        }
        return failures;
    }

    private static readonly string Huge = new('x', 10_000);

    /// <summary>Stands for the JSON escape <c>\uD800</c> (a lone surrogate, not a character), spliced into the text after serialisation.</summary>
    private const string LoneSurrogate = "@@LONE-SURROGATE@@";

    /// <summary>Whole bodies that are not a JSON object at all.</summary>
    private static IEnumerable<(string What, byte[] Body)> BrokenBodies()
    {
        static (string, byte[]) S(string what, string body) => (what, Encoding.UTF8.GetBytes(body));
        yield return S("empty body", "");
        yield return S("truncated JSON", "{");
        yield return S("truncated after a name", "{\"commandId\":");
        yield return S("trailing comma", "{\"a\": 1,}");
        yield return S("single quotes", "{'a': 'b'}");
        yield return S("a comment", "/* hi */ {}");
        yield return S("two objects", "{} {}");
        yield return S("JSON array", "[]");
        yield return S("JSON array of an object", "[{}]");
        yield return S("JSON string", "\"hello\"");
        yield return S("JSON number", "42");
        yield return S("JSON null", "null");
        yield return S("JSON true", "true");
        yield return S("nested 100 deep", "{\"a\":" + new string('[', 100) + new string(']', 100) + "}");
        yield return ("invalid UTF-8", [(byte)'{', (byte)'"', (byte)'a', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        yield return ("a UTF-16 byte order mark and UTF-16 text", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{}")).ToArray());
    }

    private static JsonNode? J(string json) => JsonNode.Parse(json);
    private static JsonNode Str(string s) => JsonValue.Create(s)!;
    private static JsonNode M(string amount, string currency) => new JsonObject { ["amount"] = amount, ["currency"] = currency };

    /// <summary>Values of the wrong kind for a field: (what, value, field the error must name).</summary>
    private static IEnumerable<(string What, JsonNode? Value, string Field)> BadValues(Field f)
    {
        var n = f.Name;
        IEnumerable<(string, JsonNode?, string)> WrongTypes(params string[] except)
        {
            var all = new (string Type, Func<JsonNode?> Value)[]
            {
                ("number", () => J("42")), ("boolean", () => J("true")), ("object", () => new JsonObject()),
                ("array", () => new JsonArray()), ("string", () => Str("text")),
            };
            foreach (var (type, value) in all)
                if (!except.Contains(type)) yield return ($"{type} instead of the right type", value(), n);
        }

        switch (f.Kind)
        {
            case Kind.Id:
                foreach (var w in WrongTypes("string")) yield return w;
                yield return ("not a UUID", Str("not-a-uuid"), n);
                yield return ("a UUID one digit short", Str("123e4567-e89b-12d3-a456-42661417400"), n);
                yield return ("empty string", Str(""), n);
                yield return ("UUID with a lone surrogate escape", Str(Guid.NewGuid() + LoneSurrogate), n);
                break;

            case Kind.Text or Kind.Reference or Kind.LongText:
                var max = f.Kind switch { Kind.Reference => 64, Kind.Text => 200, _ => 4000 };
                foreach (var w in WrongTypes("string")) yield return w;
                if (f.Required) yield return ("empty string", Str(""), n);
                if (f.Required) yield return ("blank string", Str("   "), n);
                yield return ($"{max + 1} characters", Str(new string('y', max + 1)), n);
                yield return ("10,000 characters", Str(Huge), n);
                yield return ("control character U+0001", Str("abc\u0001def"), n);
                yield return ("control character U+0000", Str("abc\u0000def"), n);
                yield return ("escape sequence U+001B", Str("\u001b[31mred"), n);
                yield return ("control character U+007F", Str("abc\u007f"), n);
                yield return ("control character U+0085", Str("abc\u0085"), n);
                yield return ("a lone surrogate escape \\uD800", Str("abc" + LoneSurrogate), n);
                break;

            case Kind.Instant:
                foreach (var w in WrongTypes("string")) yield return w;
                foreach (var s in new[] { "2026-13-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-03-14T25:00:00Z", "yesterday", "2026-03-14T16:00:00",
                                          "2026-03-14T16:00:00+01:00", "2026-03-14", "2026-03-14T16:00:00.1234567890Z", "14/03/2026 16:00", "" })
                    yield return ($"instant \"{s}\"", Str(s), n);
                yield return ("instant as a Unix time number", J("1773504000"), n);
                yield return ("instant with a lone surrogate escape", Str("2026-03-14T16:00:00Z" + LoneSurrogate), n);
                break;

            case Kind.Date:
                foreach (var w in WrongTypes("string")) yield return w;
                foreach (var s in new[] { "2026-13-01", "2026-02-30", "2026-00-10", "yesterday", "14-03-2026", "2026/03/14", "2026-03-14T00:00:00Z", "" })
                    yield return ($"date \"{s}\"", Str(s), n);
                yield return ("date as a number", J("20260314"), n);
                yield return ("date with a lone surrogate escape", Str("2026-03-14" + LoneSurrogate), n);
                break;

            case Kind.Money:
                foreach (var w in WrongTypes("object")) yield return w;
                yield return ("money as a string", Str("100.00 EUR"), n);
                yield return ("amount missing", J("""{ "currency": "EUR" }"""), n + ".amount");
                yield return ("currency missing", J("""{ "amount": "1.00" }"""), n + ".currency");
                yield return ("too many decimals 1.001 EUR", M("1.001", "EUR"), n + ".amount");
                yield return ("too many decimals as a number 1.001 EUR", J("""{ "amount": 1.001, "currency": "EUR" }"""), n + ".amount");
                yield return ("decimals on JPY 1.5", M("1.5", "JPY"), n + ".amount");
                yield return ("three decimals on BHD is fine but four are not", M("1.0005", "BHD"), n + ".amount");
                yield return ("negative amount as a string", M("-1.00", "EUR"), n + ".amount");
                yield return ("negative amount as a number", J("""{ "amount": -5, "currency": "EUR" }"""), n + ".amount");
                yield return ("amount not a number", M("abc", "EUR"), n + ".amount");
                yield return ("amount with a decimal comma", M("1,00", "EUR"), n + ".amount");
                yield return ("amount empty", M("", "EUR"), n + ".amount");
                yield return ("amount a boolean", J("""{ "amount": true, "currency": "EUR" }"""), n + ".amount");
                yield return ("amount beyond any decimal", M("1" + new string('0', 40), "EUR"), n + ".amount");
                yield return ("amount beyond any decimal as a number", J("""{ "amount": 1e400, "currency": "EUR" }"""), n + ".amount");
                yield return ("more digits than a decimal holds, rounding to 10000", M("10000.000000000000000000000000001", "EUR"), n + ".amount");
                yield return ("more digits than a decimal holds as a number", J("""{ "amount": 10000.000000000000000000000000001, "currency": "EUR" }"""), n + ".amount");
                yield return ("a number too small for a decimal, rounding to 0", J("""{ "amount": 1e-30, "currency": "EUR" }"""), n + ".amount");
                yield return ("amount over the largest accepted (10^15)", M("1000000000000000.01", "EUR"), n + ".amount");
                yield return ("amount near decimal's limit, whose totals would overflow", J("""{ "amount": 50000000000000000000000000000, "currency": "EUR" }"""), n + ".amount");
                yield return ("currency with a lone surrogate escape", M("1.00", "E" + LoneSurrogate), n + ".currency");
                yield return ("amount NaN", M("NaN", "EUR"), n + ".amount");
                yield return ("amount Infinity", M("Infinity", "EUR"), n + ".amount");
                foreach (var c in new[] { "ABC", "XAU", "XDR", "eur", "EURO", "", "E", "<a>" })
                    yield return ($"currency \"{c}\"", M("1.00", c), n + ".currency");
                yield return ("currency as a number", J("""{ "amount": "1.00", "currency": 978 }"""), n + ".currency");
                break;

            case Kind.Enum:
                foreach (var w in WrongTypes("string")) yield return w;
                yield return ("unknown enum value", Str("unknown_value"), n);
                yield return ("enum value in upper case", Str(f.EnumValues[0].ToUpperInvariant()), n);
                yield return ("empty enum value", Str(""), n);
                if (f.EnumValues.FirstOrDefault(v => v.Contains('_')) is { } snake)
                {
                    var parts = snake.Split('_');
                    yield return ("enum value in camelCase", Str(parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]))), n);
                    yield return ("enum value in kebab-case", Str(snake.Replace('_', '-')), n);
                }
                yield return ("enum value as its number", J("1"), n);
                yield return ("enum value with a lone surrogate escape", Str(f.EnumValues[0] + LoneSurrogate), n);
                break;

            case Kind.Country:
                foreach (var w in WrongTypes("string")) yield return w;
                foreach (var s in new[] { "XX", "nl", "NLD", "N", "" })
                    yield return ($"country \"{s}\"", Str(s), n);
                yield return ("country with a lone surrogate escape", Str("N" + LoneSurrogate), n);
                break;

            case Kind.Offences:
                foreach (var w in WrongTypes("array")) yield return w;
                yield return ("one offence as a string", Str("money_laundering"), n);
                yield return ("unknown offence", J("""["piracy"]"""), n);
                yield return ("offence in upper case", J("""["MONEY_LAUNDERING"]"""), n);
                yield return ("offence as a number", J("[1]"), n);
                yield return ("null offence", J("[null]"), n);
                yield return ("offence with a lone surrogate escape", new JsonArray(Str("other" + LoneSurrogate)), n);
                break;

            case Kind.Agencies:
                foreach (var w in WrongTypes("array")) yield return w;
                yield return ("one agency as a string", Str("KMAR"), n);
                yield return ("agency as a number", J("[1]"), n);
                yield return ("empty agency", J("""[""]"""), n);
                yield return ("agency with a control character", J("""["KM\u0001AR"]"""), n);
                yield return ("agency of 10,000 characters", new JsonArray(Str(Huge)), n);
                yield return ("agency with a lone surrogate escape", new JsonArray(Str("KMAR" + LoneSurrogate)), n);
                break;

            case Kind.Identifiers:
                foreach (var w in WrongTypes("object")) yield return w;
                yield return ("IBAN with a wrong checksum", J("""{ "iban": "NL00ABNA0417164300" }"""), n + ".iban");
                yield return ("IBAN with a bad check digit", J("""{ "iban": "NL92ABNA0417164300" }"""), n + ".iban");
                yield return ("IBAN in lower case", J("""{ "iban": "nl91abna0417164300" }"""), n + ".iban");
                yield return ("IBAN one character short", J("""{ "iban": "NL91ABNA041716430" }"""), n + ".iban");
                yield return ("IBAN of an unknown country", J("""{ "iban": "XX91ABNA0417164300" }"""), n + ".iban");
                yield return ("IBAN as a number", J("""{ "iban": 5 }"""), n + ".iban");
                yield return ("IBAN of 10,000 characters", new JsonObject { ["iban"] = Huge }, n + ".iban");
                yield return ("BIC of 7 characters", J("""{ "bic": "ABNANL2" }"""), n + ".bic");
                yield return ("VIN with the letter O", J("""{ "vin": "WAUZZZ4G6BN01234O" }"""), n + ".vin");
                yield return ("identifier with a control character", J("""{ "registration": "AB\u0001" }"""), n + ".registration");
                yield return ("identifier of 10,000 characters", new JsonObject { ["registration"] = Huge }, n + ".registration");
                yield return ("identifier value with a lone surrogate escape", new JsonObject { ["registration"] = "AB" + LoneSurrogate }, n);
                yield return ("identifier key with a lone surrogate escape", new JsonObject { ["reg" + LoneSurrogate] = "AB-1" }, n);
                break;

            case Kind.Version:
                yield return ("version as a string", Str("abc"), n);
                yield return ("version as a numeric string", Str("1"), n);
                yield return ("negative version", J("-1"), n);
                yield return ("fractional version", J("1.5"), n);
                yield return ("version a boolean", J("true"), n);
                yield return ("version an object", new JsonObject(), n);
                break;

            case Kind.Deadlines:
                foreach (var w in WrongTypes("array")) yield return w;
                yield return ("deadline as a number", J("[5]"), n);
                yield return ("deadline due \"yesterday\"", J("""[ { "kind": "recognition", "due": "yesterday" } ]"""), n);
                yield return ("deadline due 2026-13-01", J("""[ { "kind": "recognition", "due": "2026-13-01" } ]"""), n);
                yield return ("deadline without kind", J("""[ { "due": "2026-05-01" } ]"""), n);
                yield return ("deadline without due", J("""[ { "kind": "recognition" } ]"""), n);
                yield return ("deadline kind with a control character", J("""[ { "kind": "recog\u0001nition", "due": "2026-05-01" } ]"""), n);
                break;
        }
    }

    public static IEnumerable<Malformed> For(PostRoute route)
    {
        foreach (var (what, body) in BrokenBodies())
            yield return new Malformed(route.Name, what, body, null);

        yield return new Malformed(route.Name, "empty object", "{}"u8.ToArray(), route.Fields.First(f => f.Required).Name);

        foreach (var field in route.Fields)
        {
            if (field.Required)
            {
                var without = route.Base();
                without.Remove(field.Name);
                yield return new Malformed(route.Name, $"{field.Name} missing", Bytes(without), field.Name);
                var nulled = route.Base();
                nulled[field.Name] = null;
                yield return new Malformed(route.Name, $"{field.Name} null", Bytes(nulled), field.Name);
            }
            foreach (var (what, value, expected) in BadValues(field))
            {
                var body = route.Base();
                body[field.Name] = value;
                yield return new Malformed(route.Name, $"{field.Name}: {what}", Bytes(body), expected);
            }
        }

        // domain.md: a release for reason "other" needs its text.
        if (route.Name == "POST /api/assets/{assetId}/release")
        {
            var other = route.Base();
            other["reason"] = "other";
            other.Remove("note");
            yield return new Malformed(route.Name, "reason other without a note", Bytes(other), "note");
            other["note"] = "";
            yield return new Malformed(route.Name, "reason other with an empty note", Bytes(other), "note");
        }
    }

    public static IEnumerable<Malformed> All => Routes.SelectMany(For);

    private static byte[] Bytes(JsonObject o) => Encoding.UTF8.GetBytes(o.ToJsonString().Replace(LoneSurrogate, "\\uD800"));
}

public sealed class when_a_request_is_malformed(ApiFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    public static TheoryData<string> PostRoutes => new(MalformedCorpus.Routes.Select(r => r.Name));

    [Fact]
    public void the_corpus_covers_every_post_route_with_at_least_200_requests()
    {
        var corpus = MalformedCorpus.All.ToList();
        // Every POST of the service's role matrix, but settlements: they need a computed distribution
        // to get past the 404, and their malformed bodies are tested in Distribution/when_settling_and_reconciling.
        // The executing side's certificate commands likewise: they need a received certificate (another
        // ledger's message); their malformed bodies are tested in Cooperation/when_a_certificate_request_is_malformed.
        // The register upload takes a CSV file, not a JSON body: its malformed files are tested in
        // Import/when_uploading_a_register.
        var implemented = AssetLedger.Api.Infrastructure.RoleMatrix.Rules.Keys
            .Where(k => k.StartsWith("POST ", StringComparison.Ordinal) && !k.EndsWith("/settlements", StringComparison.Ordinal))
            .Where(k => k != "POST /api/admin/imports")
            .Where(k => !k.StartsWith("POST /api/certificates/{certificateId}/", StringComparison.Ordinal) || MalformedCorpus.Routes.Any(r => r.Name == k))
            .ToHashSet();

        foreach (var group in corpus.GroupBy(m => m.Route)) output.WriteLine($"{group.Key}: {group.Count()} malformed requests");
        output.WriteLine($"in all: {corpus.Count}");
        Assert.True(corpus.Count >= 200, $"only {corpus.Count} malformed requests");
        Assert.Equal(implemented, MalformedCorpus.Routes.Select(r => r.Name).ToHashSet());
        // A route whose body is only its commandId has the whole-body breaks and that one field's.
        Assert.All(MalformedCorpus.Routes, r => Assert.True(corpus.Count(m => m.Route == r.Name) >= (r.Fields.Length > 1 ? 30 : 20), $"{r.Name}: {corpus.Count(m => m.Route == r.Name)}"));
    }

    [Theory]
    [MemberData(nameof(PostRoutes))]
    public async Task every_one_is_a_400_problem_naming_the_field_and_appends_nothing(string routeName)
    {
        var route = MalformedCorpus.Route(routeName);
        var ids = await Client.GivenACaseWithAnAsset();
        if (route.OnCertificate) ids = ids with { Certificate = await Client.IssuedCertificate() };
        var before = await Fixture.EventCountAsync();
        var requests = MalformedCorpus.For(route).Where(m => !m.LoneSurrogate).ToList();

        var failures = await SendAllAsync(route, ids, requests);
        // Every refusal is checked to be a 4xx one by one, so any event appended is a failure of the loop as a whole.
        var after = await Fixture.EventCountAsync();
        if (after != before) failures.Add($"the malformed requests appended {after - before} event(s)");

        // The base body itself is valid: the corpus breaks exactly one thing at a time.
        var valid = await Client.Post(route.Url(ids), route.Base().ToJsonString(), route.Token);
        if (valid.Status is not (HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Conflict))
            failures.Add($"the valid base body is refused: {Problem.Short(valid)}");

        Assert.True(failures.Count == 0, $"{routeName}: {failures.Count} of {requests.Count} malformed requests went wrong:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// <c>"\uD800"</c> is well-formed JSON but no text: a lone surrogate. Wherever a string field
    /// (or an identifier's key) holds one, the answer is a 400 naming the field, never a 500.
    /// </summary>
    [Fact]
    public async Task a_lone_surrogate_escape_in_any_string_field_is_a_400_not_a_500()
    {
        var ids = await Client.GivenACaseWithAnAsset() with { Certificate = await Client.IssuedCertificate() };
        var before = await Fixture.EventCountAsync();
        var failures = new List<string>();
        var count = 0;

        foreach (var route in MalformedCorpus.Routes)
        {
            var requests = MalformedCorpus.For(route).Where(m => m.LoneSurrogate).ToList();
            count += requests.Count;
            failures.AddRange((await SendAllAsync(route, ids, requests)).Select(f => $"{route.Name} {f}"));
        }

        Assert.True(count >= 60, $"only {count} requests");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} requests went wrong:\n" + string.Join("\n", failures));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    private Task<List<string>> SendAllAsync(MalformedCorpus.PostRoute route, Ids ids, IEnumerable<Malformed> requests) =>
        MalformedCorpus.SendAllAsync(Client, route.Url(ids), route.Token, requests);

    [Fact]
    public async Task bad_query_parameters_are_a_400_problem_naming_the_parameter()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        var requests = new List<(string Url, string Field)>();
        foreach (var v in new[] { "0", "201", "abc", "-1", "1.5", "99999999999" })
            requests.Add(($"/api/cases?pageSize={Uri.EscapeDataString(v)}", "pageSize"));
        foreach (var v in new[] { "0", "abc", "-1", "1.5" })
            requests.Add(($"/api/cases?page={Uri.EscapeDataString(v)}", "page"));
        foreach (var v in new[] { "archived", "OPEN", "1" })
            requests.Add(($"/api/cases?status={Uri.EscapeDataString(v)}", "status"));
        requests.Add(("/api/cases?q=" + new string('x', 10_000), "q"));
        requests.Add(("/api/cases?q=" + Uri.EscapeDataString("lan\u0001tern"), "q"));
        foreach (var v in new[] { "yesterday", "2026-03-14T16:00:00", "2026-13-01T00:00:00Z", "2026-03-14", "2026-03-14T16:00:00+01:00" })
            requests.Add(($"/api/assets/{ids.Asset}?asOf={Uri.EscapeDataString(v)}", "asOf"));

        var failures = new List<string>();
        foreach (var (url, field) in requests)
        {
            var reply = await Client.Get(url, Tokens.Auditor);
            var shown = url.Length > 80 ? url[..80] + "…" : url;
            if (Problem.Check(reply, HttpStatusCode.BadRequest) is { } issue) { failures.Add($"GET {shown}: {issue}"); continue; }
            if (Problem.ErrorFields(reply) is not { } named || !Problem.Names(named, field))
                failures.Add($"GET {shown}: errors do not name '{field}': {Problem.Short(reply)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task the_edges_of_the_valid_ranges_are_accepted()
    {
        var ids = await Client.GivenACaseWithAnAsset();
        foreach (var url in new[] { "/api/cases?pageSize=1", "/api/cases?pageSize=200", "/api/cases?page=1&pageSize=50" })
            Assert.True((await Client.Get(url, Tokens.Auditor)).Status == HttpStatusCode.OK, url);

        // 0 to 9 fractional digits, amounts as strings or numbers, trailing zeros within the minor unit.
        var frozen = await Client.Post($"/api/assets/{ids.Asset}/freeze",
            $$"""{ "commandId": "{{Guid.NewGuid()}}", "orderReference": "R-1", "frozenAt": "2026-03-01T10:00:00.123456789Z", "amount": { "amount": 1000.5, "currency": "EUR" } }""",
            Tokens.Investigator);
        var valued = await Client.Post($"/api/assets/{ids.Asset}/valuations",
            $$"""{ "commandId": "{{Guid.NewGuid()}}", "value": { "amount": "1500", "currency": "JPY" }, "method": "quote", "valuer": "Bank", "valuedOn": "2026-02-28" }""",
            Tokens.Investigator);
        var valuedBhd = await Client.Post($"/api/assets/{ids.Asset}/valuations",
            $$"""{ "commandId": "{{Guid.NewGuid()}}", "value": { "amount": "1.125", "currency": "BHD" }, "method": "quote", "valuer": "Bank", "valuedOn": "2026-02-28" }""",
            Tokens.Investigator);
        var asOf = await Client.Get($"/api/assets/{ids.Asset}?asOf=2026-03-01T09:00:00.000000001Z", Tokens.Auditor);

        Assert.True(frozen.Status == HttpStatusCode.OK, frozen.ToString());
        Assert.Equal("1000.50", frozen["freezing"].GetProperty("amount").GetProperty("amount").GetString());
        Assert.True(valued.Status == HttpStatusCode.OK, valued.ToString());
        Assert.Equal("1500", valued["latestValuation"].GetProperty("value").GetProperty("amount").GetString());
        Assert.True(valuedBhd.Status == HttpStatusCode.OK, valuedBhd.ToString());
        Assert.Equal("1.125", valuedBhd["latestValuation"].GetProperty("value").GetProperty("amount").GetString());
        Assert.True(asOf.Status == HttpStatusCode.OK, asOf.ToString());
    }
}
