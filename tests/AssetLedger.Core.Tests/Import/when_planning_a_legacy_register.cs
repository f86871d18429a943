using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Import;
using FsCheck.Xunit;
using NodaTime;

namespace AssetLedger.Core.Tests.Import;

using Money = AssetLedger.Core.Money.Money;

/// <summary>A register row parsed and planned: the events the API would have recorded, or the reasons it is not imported.</summary>
public class when_planning_a_legacy_register
{
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    private static Dictionary<string, string> Realised(string assetRef = "A01") => new()
    {
        [LegacyRegister.CaseReference] = "NL-LEG-1", [LegacyRegister.CaseTitle] = "Operation Harbour", [LegacyRegister.Offences] = "trafficking_in_human_beings;money_laundering",
        [LegacyRegister.LeadAgency] = "FIOD", [LegacyRegister.ParticipatingAgencies] = "KMAR", [LegacyRegister.CaseOpenedOn] = "2024-01-10",
        [LegacyRegister.AssetRef] = assetRef, [LegacyRegister.Kind] = "vehicle", [LegacyRegister.Location] = "NL", [LegacyRegister.Status] = "realised",
        [LegacyRegister.Currency] = "EUR",
        [LegacyRegister.ValuedOn] = "2024-01-20", [LegacyRegister.ValueAmount] = "41000.00", [LegacyRegister.ValuationMethod] = "appraisal", [LegacyRegister.Valuer] = "Domeinen",
        [LegacyRegister.SeizedOn] = "2024-02-01", [LegacyRegister.Custodian] = "Domeinen Roerende Zaken", [LegacyRegister.CustodyLocation] = "Depot Utrecht",
        [LegacyRegister.ConfiscationOrderRef] = "CO-88", [LegacyRegister.ConfiscationCourt] = "Rechtbank Amsterdam", [LegacyRegister.ConfiscationOrderedOn] = "2024-06-15",
        [LegacyRegister.FinalOn] = "2024-08-01",
        [LegacyRegister.RealisedOn] = "2024-09-05", [LegacyRegister.RealisationMethod] = "auction", [LegacyRegister.Gross] = "38500.50", [LegacyRegister.Costs] = "1200.00",
    };

    private static LegacyRow? Parse(Dictionary<string, string> fields, List<RowError> errors, int number = 1) =>
        LegacyRegister.Parse(number, c => fields.GetValueOrDefault(c), "NL", Amsterdam, errors);

    [Fact]
    public void a_realised_vehicle_becomes_the_commands_of_its_history_in_order()
    {
        var errors = new List<RowError>();
        var row = Parse(Realised(), errors)!;
        Assert.Empty(errors);
        var orderId = LegacyIds.Order("NL", "NL-LEG-1", "CO-88");
        Assert.Equal(
            [
                new RecordValuation(new Money(41000.00m, "EUR"), ValuationMethod.Appraisal, "Domeinen", new LocalDate(2024, 1, 20), null),
                new Seize("Domeinen Roerende Zaken", "Depot Utrecht", Instant.FromUtc(2024, 1, 31, 23, 0), null),
                new RecordOrder(new CourtOrder(orderId, OrderType.Confiscation, "Rechtbank Amsterdam", "CO-88", new LocalDate(2024, 6, 15), null, null, null, [])),
                new RecordFinality(orderId, new LocalDate(2024, 8, 1)),
                new Realise(new Money(38500.50m, "EUR"), new Money(1200.00m, "EUR"), RealisationMethod.Auction, new LocalDate(2024, 9, 5), null),
            ],
            row.Steps.Select(s => s.Command).ToList(), new CommandComparer());
        Assert.Equal(new LegacyCase("NL-LEG-1", "Operation Harbour", [Offence.TraffickingInHumanBeings, Offence.MoneyLaundering], "FIOD", ["KMAR"], new LocalDate(2024, 1, 10)),
            row.Case, new CaseComparer());
    }

    [Fact]
    public void the_case_and_its_assets_become_the_events_the_api_would_have_recorded()
    {
        var errors = new List<RowError>();
        var first = Parse(Realised("A01"), errors, 1)!;
        var second = Parse(Realised("A02"), errors, 2)!;
        var plan = LegacyImportPlanner.Plan("NL", Amsterdam, [first, second], errors)!;
        Assert.Empty(errors);

        var caseId = LegacyIds.Case("NL", "NL-LEG-1");
        var (a1, a2) = (LegacyIds.Asset("NL", "NL-LEG-1", "A01"), LegacyIds.Asset("NL", "NL-LEG-1", "A02"));
        var orderId = LegacyIds.Order("NL", "NL-LEG-1", "CO-88");
        Assert.Equal([caseId, a1, a2, orderId], plan.Streams.Select(s => s.Id));
        Assert.Equal(["CaseOpened", "AssetAddedToCase", "AssetAddedToCase"], plan.Streams[0].Events.Select(e => e.Data.GetType().Name));
        Assert.Equal([1, 1, 2], plan.Streams[0].Events.Select(e => e.Row));
        var opened = Assert.IsType<CaseOpened>(plan.Streams[0].Events[0].Data);
        Assert.Equal(Instant.FromUtc(2024, 1, 9, 23, 0), opened.OpenedAt);
        Assert.Equal(("NL", "FIOD"), (opened.Jurisdiction, opened.LeadAgency));
        Assert.Equal(["AssetRegistered", "AssetValued", "AssetSeized", "ConfiscationOrdered", "ConfiscationOrderFinal", "AssetRealised"],
            plan.Streams[1].Events.Select(e => e.Data.GetType().Name));
        var registered = Assert.IsType<AssetRegistered>(plan.Streams[1].Events[0].Data);
        Assert.Equal(["FIOD", "KMAR"], registered.CaseAgencies);
        Assert.Equal(caseId, registered.CaseId);
        var realised = Assert.IsType<AssetRealised>(plan.Streams[1].Events[^1].Data);
        Assert.Equal((new Money(38500.50m, "EUR"), new Money(0m, "EUR"), orderId), (realised.Gross, realised.ReturnedToOwner, realised.OrderId));
        // One order over both assets: registered once, applied twice, both proceeds counted against it.
        Assert.Equal(["OrderRegistered", "OrderAppliedToAsset", "ProceedsCountedAgainstOrder", "OrderAppliedToAsset", "ProceedsCountedAgainstOrder"],
            plan.Streams[3].Events.Select(e => e.Data.GetType().Name));
        Assert.Equal([new ProceedsCountedAgainstOrder(a1, new Money(38500.50m, "EUR")), new ProceedsCountedAgainstOrder(a2, new Money(38500.50m, "EUR"))],
            plan.Streams[3].Events.Select(e => e.Data).OfType<ProceedsCountedAgainstOrder>());
        Assert.Equal([1, 2], plan.Rows);
    }

    [Fact]
    public void a_row_whose_dates_reach_another_status_is_rejected_whole_and_the_others_go_on()
    {
        var errors = new List<RowError>();
        var wrong = Realised("A02");
        wrong[LegacyRegister.Status] = "seized";
        var rows = new[] { Parse(Realised("A01"), errors, 1)!, Parse(wrong, errors, 2)! };
        var plan = LegacyImportPlanner.Plan("NL", Amsterdam, rows, errors)!;

        Assert.Equal([new RowError(2, "status", "The dates given lead to status 'realised', not 'seized'.")], errors);
        Assert.Equal([1], plan.Rows);
        Assert.Equal(3, plan.Streams.Count); // the case, A01, the order: nothing of A02
        Assert.DoesNotContain(plan.Streams.SelectMany(s => s.Events), e => e.Row == 2);
        Assert.Equal(["OrderRegistered", "OrderAppliedToAsset", "ProceedsCountedAgainstOrder"], plan.Streams[2].Events.Select(e => e.Data.GetType().Name));
    }

    [Fact]
    public void a_history_the_lifecycle_refuses_is_rejected_with_the_deciders_reason()
    {
        var errors = new List<RowError>();
        var fields = Realised();
        fields.Remove(LegacyRegister.SeizedOn);
        fields.Remove(LegacyRegister.Custodian);
        fields.Remove(LegacyRegister.CustodyLocation);
        var plan = LegacyImportPlanner.Plan("NL", Amsterdam, [Parse(fields, errors)!], errors);
        Assert.Null(plan);
        Assert.Equal([new RowError(1, "confiscation_ordered_on", "A confiscation order cannot be recorded on an asset in status 'identified'.")], errors);
    }

    [Fact]
    public void rows_that_state_their_case_differently_or_repeat_an_asset_are_rejected()
    {
        var errors = new List<RowError>();
        var other = Realised("A02");
        other[LegacyRegister.CaseTitle] = "Operation Quay";
        var rows = new[] { Parse(Realised("A01"), errors, 1)!, Parse(other, errors, 2)!, Parse(Realised("A01"), errors, 3)! };
        var plan = LegacyImportPlanner.Plan("NL", Amsterdam, rows, errors)!;
        Assert.Equal(
            [
                new RowError(2, "case_title", "Differs from row 1, which opens case 'NL-LEG-1'."),
                new RowError(3, "asset_ref", "Asset 'A01' is already row 1 of case 'NL-LEG-1'."),
            ], errors);
        Assert.Equal([1], plan.Rows);
    }

    [Fact]
    public void every_bad_field_of_a_row_is_reported_with_its_column()
    {
        var errors = new List<RowError>();
        var fields = Realised();
        fields[LegacyRegister.Kind] = "horse";
        fields[LegacyRegister.Gross] = "38500.505";
        fields[LegacyRegister.Location] = "Netherlands";
        fields[LegacyRegister.ValuedOn] = "2023-12-31";
        fields.Remove(LegacyRegister.CaseTitle);
        fields[LegacyRegister.FrozenAmount] = "10.00";
        Assert.Null(Parse(fields, errors, 7));
        Assert.Equal(
            [
                new RowError(7, "case_title", "Required."),
                new RowError(7, "kind", "Must be one of: cash, bank_account, real_estate, vehicle, vessel, aircraft, crypto, securities, business, goods, other."),
                new RowError(7, "location", "Must be an ISO 3166-1 alpha-2 country code such as NL."),
                new RowError(7, "frozen_amount", "Given without frozen_on."),
                new RowError(7, "gross", "EUR allows at most 2 decimal(s)."),
                new RowError(7, "valued_on", "Must not be before case_opened_on (2024-01-10)."),
            ], errors);
    }

    [Fact]
    public void ids_are_derived_from_the_jurisdiction_and_the_registers_keys()
    {
        Assert.Equal(LegacyIds.Case("NL", "nl-leg-1 "), LegacyIds.Case("NL", "NL-LEG-1"));
        Assert.NotEqual(LegacyIds.Case("BE", "NL-LEG-1"), LegacyIds.Case("NL", "NL-LEG-1"));
        Assert.NotEqual(LegacyIds.Asset("NL", "NL-LEG-1", "A01"), LegacyIds.Asset("NL", "NL-LEG-2", "A01"));
        var id = LegacyIds.Case("NL", "NL-LEG-1");
        Assert.Equal(8, id.Version);
    }

    /// <summary>
    /// Property: for any generated register (with defects), every row is either planned or rejected with a
    /// reason, never both; each planned asset ends in the status its row states; planning is a function
    /// (the same rows give the same streams).
    /// </summary>
    [Property(MaxTest = 40)]
    public bool every_row_is_planned_or_rejected_and_planned_assets_reach_their_status(int seed)
    {
        var generator = new RegisterGenerator(300, seed, "NL", InvalidEvery: 7);
        var errors = new List<RowError>();
        var parsed = generator.Rows().Select((r, i) => Parse(r.ToDictionary(), errors, i + 1)).OfType<LegacyRow>().ToList();
        var plans = parsed.GroupBy(r => r.Case.Key).Select(g => LegacyImportPlanner.Plan("NL", Amsterdam, g.ToList(), errors)).OfType<CasePlan>().ToList();
        var again = parsed.GroupBy(r => r.Case.Key).Select(g => LegacyImportPlanner.Plan("NL", Amsterdam, g.ToList(), [])).OfType<CasePlan>().ToList();

        var planned = plans.SelectMany(p => p.Rows).ToHashSet();
        var rejected = errors.Select(e => e.Row).ToHashSet();
        var byNumber = parsed.ToDictionary(r => r.Number);
        var statusesHold = plans.SelectMany(p => p.Streams.Where(s => s.Kind == PlannedStreamKind.Asset)).All(s =>
        {
            var asset = s.Events.Aggregate((Asset?)null, (a, e) => Asset.Evolve(a, e.Data, (a?.Version ?? 0) + 1, Instant.MinValue))!;
            return asset.Status == byNumber[s.Events[0].Row].Status;
        });
        var deterministic = plans.Count == again.Count && plans.Zip(again).All(p =>
            p.First.Streams.Select(s => (s.Id, s.Events.Count)).SequenceEqual(p.Second.Streams.Select(s => (s.Id, s.Events.Count))));
        return planned.Count + rejected.Count == 300 && !planned.Overlaps(rejected) && statusesHold && deterministic;
    }

    /// <summary>Commands compared by value, the order's deadline list by its items.</summary>
    private sealed class CommandComparer : IEqualityComparer<AssetCommand>
    {
        public bool Equals(AssetCommand? x, AssetCommand? y) => (x, y) switch
        {
            (RecordOrder a, RecordOrder b) => a.Order.SameDetailsAs(b.Order),
            _ => Equals((object?)x, y),
        };

        public int GetHashCode(AssetCommand obj) => obj.Name.GetHashCode();
    }

    private sealed class CaseComparer : IEqualityComparer<LegacyCase>
    {
        public bool Equals(LegacyCase? x, LegacyCase? y) => x is not null && y is not null && x.DifferingColumn(y) is null && x.Reference == y.Reference;

        public int GetHashCode(LegacyCase obj) => obj.Reference.GetHashCode();
    }
}
