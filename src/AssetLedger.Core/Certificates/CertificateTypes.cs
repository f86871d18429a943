using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Certificates;

// Reg (EU) 2018/1805: a freezing certificate (Annex I) or a confiscation certificate (Annex II),
// issued by our authority for property in another Member State, or received from another State for
// property here. Enum values travel as lower snake_case strings, like the asset's.

public enum CertificateKind { Freezing, Confiscation }

/// <summary>Which side of the certificate this ledger is on.</summary>
public enum CertificateRole { Issuing, Executing }

public enum CertificateStatus { Issued, Transmitted, Received, Recognised, PartlyRefused, Refused, Postponed, Executed, Impossible, Withdrawn }

/// <summary>
/// The 32 offence categories of Art 3(1) (recognised without verifying double criminality when
/// punishable by at least three years in the issuing State) and <c>Other</c> (Art 3(2): double
/// criminality may be checked, a refusal ground under Art 8(1)(e) / 19(1)(e)).
/// </summary>
public enum ListedOffence
{
    ParticipationInCriminalOrganisation, Terrorism, TraffickingInHumanBeings, SexualExploitationOfChildren,
    IllicitTraffickingInDrugs, IllicitTraffickingInWeapons, Corruption, Fraud, LaunderingOfProceeds,
    CounterfeitingCurrency, ComputerRelatedCrime, EnvironmentalCrime, FacilitationOfUnauthorisedEntryAndResidence,
    MurderOrGrievousBodilyInjury, IllicitTradeInHumanOrgans, KidnappingOrHostageTaking, RacismAndXenophobia,
    OrganisedOrArmedRobbery, IllicitTraffickingInCulturalGoods, Swindling, RacketeeringAndExtortion,
    CounterfeitingAndPiracyOfProducts, ForgeryOfAdministrativeDocuments, ForgeryOfMeansOfPayment,
    IllicitTraffickingInHormonalSubstances, IllicitTraffickingInNuclearMaterials, TraffickingInStolenVehicles,
    Rape, Arson, CrimesWithinIccJurisdiction, UnlawfulSeizureOfAircraftOrShips, Sabotage,
    Other,
}

/// <summary>One item of property named in the certificate (section F of the Annexes).</summary>
public sealed record CertificateItem(string Description, IReadOnlyDictionary<string, string> Identifiers, string Location);

/// <summary>The issuing State's account for the Art 30 transfer of the shared amount.</summary>
public sealed record BankDetails(string Iban, string Bic, string AccountHolder);

/// <summary>
/// The data elements of Annex I / Annex II that the ledger keeps. <see cref="AmountForExecutingState"/>
/// is what this executing State is asked to recover; <see cref="OrderTotal"/> the order's whole
/// amount across every executing State (Art 16(2)-(3)); the two are equal with one executing State.
/// </summary>
public sealed record CertificateDetails(
    string IssuingState, string ExecutingState, string IssuingAuthority, string OrderReference,
    LocalDate IssuedOn, LocalDate? FinalOn,
    Money? AmountForExecutingState, Money? OrderTotal, IReadOnlyList<CertificateItem> Items,
    IReadOnlyList<string> OtherExecutingStates, bool Urgent, bool VictimRestitution,
    ListedOffence Offence, string? OffenceDescription, BankDetails? IssuerBank, Guid? CaseId);

/// <summary>A missed time limit is a fact of its own; the duty to decide continues (Art 9, Art 20).</summary>
public enum DeadlineKind { Recognition, Execution }

/// <summary>The issuing State's answer to a cost-sharing proposal (Art 31(2)).</summary>
public enum CostDecision { Accepted, Rejected, Agreed }

/// <summary>A time limit of the Regulation on a received certificate. <see cref="Decided"/>: its decision was taken (in time or late).</summary>
public sealed record CertificateDeadline(DeadlineKind Kind, Instant Due, string LegalBasis, bool Met, bool Missed, bool Decided = false)
{
    /// <summary>Still waiting for its decision (not taken, the certificate not ended): what a deadlines view lists.</summary>
    public bool Open => !Decided && !Met;

    /// <summary>Open and past its due instant at <paramref name="now"/>.</summary>
    public bool OverdueAt(Instant now) => Open && now > Due;
}

public static class CertificateStatuses
{
    public static string ToWire(this CertificateStatus status) => AssetLedger.Assets.Naming.SnakeCase(status.ToString());

    /// <summary>No further decision is expected on a certificate in these statuses.</summary>
    public static bool IsClosed(this CertificateStatus status) =>
        status is CertificateStatus.Refused or CertificateStatus.Impossible or CertificateStatus.Withdrawn;

    /// <summary>The recognition decision has been taken (fully or in part).</summary>
    public static bool IsRecognised(this CertificateStatus status) =>
        status is CertificateStatus.Recognised or CertificateStatus.PartlyRefused or CertificateStatus.Executed;
}

/// <summary>
/// The codes of the grounds an executing authority may give, per certificate kind, each with the
/// article it comes from. A refusal, a postponement or an impossibility names at least one.
/// </summary>
public static class CertificateGrounds
{
    public sealed record Ground(string Code, string Article, string Summary);

    private static readonly Ground[] FreezingRefusal =
    [
        new("art8-1-a", "Art 8(1)(a)", "ne bis in idem"),
        new("art8-1-b", "Art 8(1)(b)", "privilege or immunity, or press-freedom rules, prevent the freezing"),
        new("art8-1-c", "Art 8(1)(c)", "certificate incomplete or manifestly incorrect and not completed after consultation"),
        new("art8-1-d", "Art 8(1)(d)", "offence committed partly in the executing State and not an offence there"),
        new("art8-1-e", "Art 8(1)(e)", "offence outside Art 3(1) and not an offence in the executing State"),
        new("art8-1-f", "Art 8(1)(f)", "manifest breach of a fundamental right of the Charter"),
    ];

    private static readonly Ground[] ConfiscationRefusal =
    [
        new("art19-1-a", "Art 19(1)(a)", "ne bis in idem"),
        new("art19-1-b", "Art 19(1)(b)", "privilege or immunity, or press-freedom rules, prevent the confiscation"),
        new("art19-1-c", "Art 19(1)(c)", "certificate incomplete or manifestly incorrect and not completed after consultation"),
        new("art19-1-d", "Art 19(1)(d)", "offence committed partly in the executing State and not an offence there"),
        new("art19-1-e", "Art 19(1)(e)", "offence outside Art 3(1) and not an offence in the executing State"),
        new("art19-1-f", "Art 19(1)(f)", "rights of affected persons make execution impossible"),
        new("art19-1-g", "Art 19(1)(g)", "the person did not appear in person at the trial (in absentia)"),
        new("art19-1-h", "Art 19(1)(h)", "manifest breach of a fundamental right of the Charter"),
    ];

    private static readonly Ground[] FreezingPostponement =
    [
        new("art10-1-a", "Art 10(1)(a)", "execution might prejudice an ongoing criminal investigation"),
        new("art10-1-b", "Art 10(1)(b)", "the property is already subject to a freezing order"),
        new("art10-1-c", "Art 10(1)(c)", "the property is already subject to an order in other proceedings in the executing State"),
    ];

    private static readonly Ground[] ConfiscationPostponement =
    [
        new("art21-1-a", "Art 21(1)(a)", "execution might prejudice an ongoing criminal investigation"),
        new("art21-1-b", "Art 21(1)(b)", "the order must be translated, for the time the translation takes"),
        new("art21-1-c", "Art 21(1)(c)", "the property is already subject to confiscation proceedings in the executing State"),
        new("art21-1-d", "Art 21(1)(d)", "a legal remedy under Art 33 is pending"),
    ];

    private static readonly Ground[] FreezingImpossibility =
    [
        new("art13-a", "Art 13", "the property has already been confiscated"),
        new("art13-b", "Art 13", "the property has disappeared"),
        new("art13-c", "Art 13", "the property has been destroyed"),
        new("art13-d", "Art 13", "the property cannot be found where the certificate says"),
        new("art13-e", "Art 13", "the location was not indicated precisely enough, even after consultation"),
    ];

    private static readonly Ground[] ConfiscationImpossibility =
    [
        new("art22-3-a", "Art 22(3)(a)", "the property has already been confiscated"),
        new("art22-3-b", "Art 22(3)(b)", "the property has disappeared"),
        new("art22-3-c", "Art 22(3)(c)", "the property has been destroyed"),
        new("art22-3-d", "Art 22(3)(d)", "the property cannot be found where the certificate says"),
        new("art22-3-e", "Art 22(3)(e)", "the location was not indicated precisely enough, even after consultation"),
    ];

    public static IReadOnlyList<Ground> Refusal(CertificateKind kind) => kind == CertificateKind.Freezing ? FreezingRefusal : ConfiscationRefusal;
    public static IReadOnlyList<Ground> Postponement(CertificateKind kind) => kind == CertificateKind.Freezing ? FreezingPostponement : ConfiscationPostponement;
    public static IReadOnlyList<Ground> Impossibility(CertificateKind kind) => kind == CertificateKind.Freezing ? FreezingImpossibility : ConfiscationImpossibility;

    /// <summary>The codes in <paramref name="codes"/> that are not grounds of <paramref name="allowed"/>.</summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> codes, IReadOnlyList<Ground> allowed) =>
        codes.Where(c => allowed.All(g => g.Code != c)).ToList();
}
