using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Assets;

/// <summary>A command on an existing asset. Every one is validated for shape before it gets here.</summary>
public abstract record AssetCommand
{
    /// <summary>The API's name for the command (the last path segment).</summary>
    public abstract string Name { get; }
}

public sealed record Freeze(string OrderReference, Instant FrozenAt, Money? Amount, string? Holder) : AssetCommand
{ public override string Name => "freeze"; }

public sealed record Seize(string Custodian, string Location, Instant SeizedAt, string? SealNumber) : AssetCommand
{ public override string Name => "seize"; }

public sealed record TransferCustody(string ToCustodian, string ToLocation, Instant TransferredAt, string? SealNumber) : AssetCommand
{ public override string Name => "custody-transfers"; }

public sealed record RecordValuation(Money Value, ValuationMethod Method, string Valuer, LocalDate ValuedOn, Money? Liens) : AssetCommand
{ public override string Name => "valuations"; }

public sealed record RecordOrder(CourtOrder Order) : AssetCommand
{ public override string Name => "orders"; }

public sealed record LodgeAppeal(Guid OrderId, LocalDate LodgedOn) : AssetCommand
{ public override string Name => "appeals"; }

public sealed record DecideAppeal(Guid OrderId, AppealOutcome Outcome, LocalDate DecidedOn) : AssetCommand
{ public override string Name => "appeal-decisions"; }

public sealed record RecordFinality(Guid OrderId, LocalDate FinalOn) : AssetCommand
{ public override string Name => "finality"; }

public sealed record Realise(Money Gross, Money Costs, RealisationMethod Method, LocalDate RealisedOn, Money? ReturnedToOwner) : AssetCommand
{
    public override string Name => "realisation";
    public Money Returned => ReturnedToOwner ?? Money.Zero(Gross.Currency);
}

public sealed record ReleaseAsset(ReleaseReason Reason, LocalDate ReleasedOn, string? Note) : AssetCommand
{ public override string Name => "release"; }

public sealed record DisposeAsset(DisposalMethod Method, LocalDate DisposedOn, string? Note) : AssetCommand
{ public override string Name => "disposal"; }
