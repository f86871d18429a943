using AssetLedger.Api.Tests.Validation;
using static AssetLedger.Api.Tests.Validation.MalformedCorpus;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>
/// R3 for the executing side's certificate commands, which need a certificate received from another
/// ledger: each malformed body is a 400 problem naming the field and appends nothing, on both sides.
/// (The issuing side's routes are in the corpus of Validation/when_a_request_is_malformed.)
/// </summary>
public sealed class when_a_certificate_request_is_malformed(TwoLedgers two) : TwoLedgersTest(two)
{
    private static readonly Field Cmd = new("commandId", Kind.Id, true);
    private static readonly Field Reason = new("reason", Kind.LongText, true);

    private static readonly (string Name, string Body, Field[] Fields)[] Routes =
    [
        ("recognition", """{ "commandId": "$new" }""", [Cmd]),
        ("consultations", """{ "commandId": "$new", "subject": "Art 19(1)(a) ne bis in idem", "outcome": "The issuing authority confirmed no other proceedings" }""",
            [Cmd, new("subject", Kind.Text, true), new("outcome", Kind.LongText, true)]),
        ("refusal", """{ "commandId": "$new", "grounds": ["art19-1-a"], "reason": "Ne bis in idem" }""", [Cmd, Reason]),
        ("partial-refusal", """{ "commandId": "$new", "grounds": ["art19-1-a"], "reason": "Part already confiscated", "recognisedAmount": { "amount": "5000.00", "currency": "EUR" } }""",
            [Cmd, Reason, new("recognisedAmount", Kind.Money, false)]),
        ("postponement", """{ "commandId": "$new", "grounds": ["art21-1-a"], "reason": "Ongoing investigation" }""", [Cmd, Reason]),
        ("execution", """{ "commandId": "$new", "value": { "amount": "10000.01", "currency": "EUR" }, "note": "Account debited" }""",
            [Cmd, new("value", Kind.Money, false), new("note", Kind.LongText, false)]),
        ("impossibility", """{ "commandId": "$new", "grounds": ["art22-3-a"], "reason": "The account was closed before the order" }""", [Cmd, Reason]),
        ("cost-proposals", """{ "commandId": "$new", "proposalId": "$new", "costs": { "amount": "48000.00", "currency": "EUR" }, "proposedShare": { "amount": "24000.00", "currency": "EUR" }, "description": "Forensic accountants, 6 weeks" }""",
            [Cmd, new("proposalId", Kind.Id, true), new("costs", Kind.Money, true), new("proposedShare", Kind.Money, true), new("description", Kind.LongText, true)]),
    ];

    [Fact]
    public async Task every_one_is_a_400_problem_naming_the_field_and_appends_nothing()
    {
        var id = await Two.IssuedAndReceivedAsync();
        var (deBefore, nlBefore) = (await Two.DE.EventCountAsync(), await Two.NL.EventCountAsync());
        var failures = new List<string>();
        var count = 0;
        foreach (var (name, body, fields) in Routes)
        {
            var route = new PostRoute($"POST /api/certificates/{{certificateId}}/{name}", Two.DE.Token("prosecutor"), body, fields);
            var requests = For(route).ToList();
            count += requests.Count;
            failures.AddRange((await SendAllAsync(Two.DE.Client, $"/api/certificates/{id}/{name}", route.Token, requests)).Select(f => $"{name}: {f}"));
        }

        Assert.True(count >= 150, $"only {count} requests");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} went wrong:\n" + string.Join("\n", failures));
        Assert.Equal(deBefore, await Two.DE.EventCountAsync());
        Assert.Equal(nlBefore, await Two.NL.EventCountAsync());
    }
}
