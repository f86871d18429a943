using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Executing;

/// <summary><c>POST /api/certificates/{id}/execution</c>: the order was executed; <c>value</c> is the value frozen or the amount obtained.</summary>
[CertificateCommand("execution", "Record execution", Roles.Prosecutor, Roles.Investigator)]
public sealed class ExecuteSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var value = f.Money("value", false, allowZero: false);
        var note = f.Text("note", false, Fields.LongText);
        return f.Ok ? new ExecuteCertificate(value, note) : null;
    }
}
