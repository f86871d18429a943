using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.CostSharing;

/// <summary>
/// <c>POST /api/certificates/{id}/cost-proposals</c>: the executing State proposes that the issuing
/// State share costs it finds large or exceptional (Art 31(2)): <c>proposalId</c>, <c>costs</c>,
/// <c>proposedShare</c>, <c>description</c> (the breakdown). Reported to the issuing ledger.
/// </summary>
[CertificateCommand("cost-proposals", "Propose sharing costs (Art 31)", Roles.Prosecutor, Roles.Treasury)]
public sealed class ProposeCostSharingSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var id = f.Id("proposalId");
        var costs = f.Money("costs", true, allowZero: false);
        var share = f.Money("proposedShare", true, allowZero: false);
        var description = f.Text("description", true, Fields.LongText);
        return f.Ok ? new ProposeCostSharing(id!.Value, costs!.Value, share!.Value, description!) : null;
    }
}

/// <summary>
/// <c>POST /api/certificates/{id}/cost-decisions</c>: the issuing State answers a proposal
/// (<c>proposalId</c>, <c>outcome</c>: accepted | rejected | agreed with <c>agreedShare</c>, <c>reason</c>).
/// The answer travels to the executing ledger.
/// </summary>
[CertificateCommand("cost-decisions", "Answer a cost-sharing proposal (Art 31)", Roles.Prosecutor, Roles.Treasury)]
public sealed class DecideCostSharingSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var id = f.Id("proposalId");
        var outcome = f.Enum<CostDecision>("outcome", true);
        var agreed = f.Money("agreedShare", false, allowZero: false);
        var reason = f.Text("reason", true, Fields.LongText);
        return f.Ok ? new DecideCostSharing(id!.Value, outcome!.Value, agreed, reason!) : null;
    }
}
