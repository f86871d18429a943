using System.Security.Claims;

namespace AssetLedger.Api.Infrastructure;

public static class Roles
{
    public const string Investigator = "investigator";
    public const string Prosecutor = "prosecutor";
    public const string Treasury = "treasury";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly string[] All = [Investigator, Prosecutor, Treasury, Auditor, Admin];
}

/// <summary>Who is calling, from the validated token. The jurisdiction is the Marten tenant.</summary>
public sealed record Caller(string Id, string Name, IReadOnlyList<string> Roles, string Jurisdiction, string Agency)
{
    public static Caller? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var sub = principal.FindFirst("sub")?.Value;
        var jurisdiction = principal.FindFirst("jurisdiction")?.Value;
        if (string.IsNullOrWhiteSpace(sub) || string.IsNullOrWhiteSpace(jurisdiction)) return null;
        var roles = principal.FindAll("role").Select(c => c.Value).Where(r => Infrastructure.Roles.All.Contains(r)).Distinct().ToList();
        return new Caller(sub, principal.FindFirst("name")?.Value ?? sub, roles,
            jurisdiction.ToUpperInvariant(), principal.FindFirst("agency")?.Value ?? "");
    }

    /// <summary>The first of the caller's roles that the route allows, or null (403).</summary>
    public string? RoleFor(IReadOnlyCollection<string> allowed) => Roles.FirstOrDefault(allowed.Contains);

    /// <summary>Investigators and prosecutors see the cases of their agency; the others all of their jurisdiction.</summary>
    public bool SeesAllCasesOfJurisdiction => Roles.Any(r => r is Infrastructure.Roles.Treasury or Infrastructure.Roles.Auditor or Infrastructure.Roles.Admin);

    public bool CanSee(IEnumerable<string> caseAgencies) =>
        SeesAllCasesOfJurisdiction || (Agency.Length > 0 && caseAgencies.Contains(Agency, StringComparer.Ordinal));
}
