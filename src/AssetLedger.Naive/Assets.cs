// Benchmark baseline (issue 17), not part of the product: events, aggregate and endpoints of the naive seizure.
using System.Text.Json.Serialization;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Http.Marten;
using Wolverine.Marten;

namespace AssetLedger.Naive;

public record AssetIdentified(Guid AssetId, string Kind, string Description);

public record AssetSeized(Guid AssetId, string Custodian, string Location, DateTimeOffset SeizedAt, string? SealNumber);

[JsonConverter(typeof(JsonStringEnumConverter<AssetStatus>))]
public enum AssetStatus { Identified, Seized }

/// <summary>The asset's state, kept as an inline snapshot (mt_doc_asset) and rebuilt from its stream.</summary>
public class Asset
{
    public Guid Id { get; set; }
    public int Version { get; set; }
    public AssetStatus Status { get; set; }
    public string Kind { get; set; } = "";
    public string? Custodian { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset? SeizedAt { get; set; }
    public string? SealNumber { get; set; }

    public static Asset Create(AssetIdentified e) => new() { Id = e.AssetId, Kind = e.Kind, Status = AssetStatus.Identified };

    public void Apply(AssetSeized e)
    {
        Status = AssetStatus.Seized;
        Custodian = e.Custodian;
        Location = e.Location;
        SeizedAt = e.SeizedAt;
        SealNumber = e.SealNumber;
    }
}

public record IdentifyAsset(Guid AssetId, string Kind, string Description);

public static class IdentifyAssetEndpoint
{
    /// <summary>Seeding only: starts the asset's stream.</summary>
    [WolverinePost("/assets")]
    [Authorize(Roles = "investigator")]
    public static (CreationResponse<Guid>, IStartStream) Post(IdentifyAsset command)
    {
        var start = MartenOps.StartStream<Asset>(command.AssetId, new AssetIdentified(command.AssetId, command.Kind, command.Description));
        return (new CreationResponse<Guid>($"/assets/{command.AssetId}", command.AssetId), start);
    }
}

public record SeizeAsset(Guid CommandId, string? Custodian, string? Location, DateTimeOffset SeizedAt, string? SealNumber);

public static class SeizeAssetEndpoint
{
    // Run by Wolverine after loading the asset (404 if its stream does not exist) and before Post.
    public static ProblemDetails Validate(SeizeAsset command, Asset asset)
    {
        if (string.IsNullOrWhiteSpace(command.Custodian) || string.IsNullOrWhiteSpace(command.Location))
            return new ProblemDetails { Status = 400, Title = "Invalid seizure", Detail = "Custodian and location are required." };
        if (asset.Status == AssetStatus.Seized)
            return new ProblemDetails { Status = 409, Title = "Already seized", Detail = $"Asset {asset.Id} is already seized." };
        return WolverineContinue.NoProblems;
    }

    [WolverinePost("/api/assets/{id}/seize")]
    [Authorize(Roles = "investigator")]
    public static (UpdatedAggregate, Events) Post(SeizeAsset command, [Aggregate] Asset asset) =>
        (new UpdatedAggregate(), [new AssetSeized(asset.Id, command.Custodian!, command.Location!, command.SeizedAt, command.SealNumber)]);
}
