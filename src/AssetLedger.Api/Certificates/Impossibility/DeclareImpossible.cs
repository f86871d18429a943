using AssetLedger.Api.Certificates.Refusing;
using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Impossibility;

/// <summary><c>POST /api/certificates/{id}/impossibility</c>: execution impossible on grounds of Art 13 / Art 22(3).</summary>
[CertificateCommand("impossibility", "Declare execution impossible", Roles.Prosecutor)]
public sealed class DeclareImpossibleSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var grounds = GroundCodes.Parse(f);
        var reason = f.Text("reason", true, Fields.LongText);
        return f.Ok ? new DeclareExecutionImpossible(grounds, reason!) : null;
    }
}
