using System.Text.Encodings.Web;
using AssetLedger.Core.Money;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Api.Web;

/// <summary>A refusal shown as a page of its own (403, 404, …) instead of the page's content.</summary>
public sealed record ProblemView(int Status, string Title, string Detail);

/// <summary>
/// Base of every page: the signed-in caller (built from the cookie's claims exactly as the API
/// builds it from a token), role checks from <see cref="RoleMatrix"/>, the friendly refusal
/// pages, and the form helpers that show posted values and validation messages per field.
/// </summary>
public abstract class WebPage : PageModel
{
    public ProblemView? Problem { get; private set; }
    public Dictionary<string, string[]> Errors { get; private set; } = new(StringComparer.Ordinal);
    /// <summary>The form that was posted (its <c>action</c>), so its messages show in it and no other.</summary>
    public string? PostedForm { get; private set; }
    /// <summary>A refusal of the whole command (409, 503): shown above the posted form.</summary>
    public string? FormError { get; private set; }

    [TempData] public string? Flash { get; set; }

    private Caller? caller;

    /// <summary>The caller; pages only run signed in (the folder's policy), so a missing claim is a refusal page.</summary>
    public Caller Caller => caller ??= Caller.From(User) ?? throw new InvalidOperationException("No caller.");

    public bool HasCaller => Caller.From(User) is not null;

    /// <summary>The caller's role for an API route of the role matrix, or null when no role of theirs may call it.</summary>
    public string? RoleFor(string routeKey) => Caller.RoleFor(RoleMatrix.Rules[routeKey]);

    public bool May(string routeKey) => HasCaller && RoleFor(routeKey) is not null;

    protected IActionResult Friendly(int status, string title, string detail)
    {
        Response.StatusCode = status;
        Problem = new ProblemView(status, title, detail);
        return Page();
    }

    protected IActionResult NotFoundPage(string what) =>
        Friendly(404, "Not found", $"There is no {what} here, or it belongs to a case your agency does not take part in.");

    protected IActionResult ForbiddenPage(string routeKey) =>
        Friendly(403, "Not allowed for your role",
            $"Your role ({string.Join(", ", HasCaller ? Caller.Roles : [])}) may not do this. It needs one of: {string.Join(", ", RoleMatrix.Rules[routeKey])}.");

    /// <summary>Refuses a page when the token lacks the claims the API needs (sub, jurisdiction).</summary>
    protected IActionResult? RefuseWithoutClaims() =>
        HasCaller ? null : Friendly(403, "Incomplete sign-in", "Your sign-in carries no user id or jurisdiction; ask the operator to add these claims.");

    /// <summary>Refuses a page whose API route the caller may not call, in the API's order: claims, then role.</summary>
    protected IActionResult? RefuseWithout(string routeKey) =>
        RefuseWithoutClaims() ?? (RoleFor(routeKey) is null ? ForbiddenPage(routeKey) : null);

    public string CorrelationId => RequestPipeline.CorrelationId(HttpContext);

    /// <summary>The request as the API's filter would have established it, for a slice's parser.</summary>
    protected ApiRequest RequestAs(string role) => new(Caller, role, null, CorrelationId);

    protected Body FormBodyOf(JurisdictionCalendar calendar) => FormBody.From(Request.Form, calendar.ZoneOf(Caller.Jurisdiction));

    /// <summary>
    /// Runs a prepared command message through Wolverine, as the API does. Done: back to
    /// <paramref name="next"/> with a message (post, redirect, get). Otherwise the posted form is
    /// shown again with what is wrong; nothing was changed.
    /// </summary>
    protected async Task<IActionResult?> InvokeAsync(IMessageBus bus, string form, Dictionary<string, string[]>? errors, object? message,
        string next, string done, CancellationToken ct)
    {
        PostedForm = form;
        if (errors is not null)
        {
            Errors = errors;
            Response.StatusCode = 400;
            return null;
        }
        return await ShowAsync(bus.InvokeAsync<Outcome>(message!, ct), next, done);
    }

    /// <summary>
    /// Runs a command that does not travel on Wolverine (a certificate command, which the executor
    /// runs directly, as the API does) and shows its outcome like <see cref="InvokeAsync(IMessageBus, string, Dictionary{string, string[]}?, object?, string, string, CancellationToken)"/>.
    /// </summary>
    protected async Task<IActionResult?> RunAsync(string form, Dictionary<string, string[]>? errors, Func<Task<Outcome>> run, string next, string done)
    {
        PostedForm = form;
        if (errors is not null)
        {
            Errors = errors;
            Response.StatusCode = 400;
            return null;
        }
        return await ShowAsync(run(), next, done);
    }

    private async Task<IActionResult?> ShowAsync(Task<Outcome> running, string next, string done)
    {
        // The API's deadline: a database that does not answer gives the form back with a 503, never a hang.
        var outcome = await RequestPipeline.WithinDeadline(running, HttpContext, GetType())
            ?? new Outcome.Unavailable("The database did not answer in time; submit the form again (it will not be recorded twice).");
        switch (outcome)
        {
            case Outcome.Done:
                Flash = done;
                return Redirect(next);
            case Outcome.Invalid invalid:
                Errors = invalid.Errors;
                Response.StatusCode = 400;
                return null;
            case Outcome.Conflict conflict:
                FormError = conflict.Detail;
                Response.StatusCode = 409;
                return null;
            case Outcome.Unavailable unavailable:
                FormError = unavailable.Detail;
                Response.StatusCode = 503;
                return null;
            case Outcome.NotFound:
                return NotFoundPage("such record");
            default:
                throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}.");
        }
    }

    protected void Refuse(string form, string detail, int status)
    {
        PostedForm = form;
        FormError = detail;
        Response.StatusCode = status;
    }

    // ---- form helpers -------------------------------------------------------------------------

    private static readonly HtmlEncoder Enc = HtmlEncoder.Default;

    public bool IsPosted(string form) => PostedForm == form;

    /// <summary>The posted value of a field of the posted form, else the default.</summary>
    public string Value(string form, string name, string? fallback = null) =>
        IsPosted(form) && Request.HasFormContentType && Request.Form.TryGetValue(name, out var v) ? v.ToString() : fallback ?? "";

    /// <summary>The idempotency key of a form: posted again unchanged after a refusal (nothing was recorded), fresh otherwise.</summary>
    public string Key(string form, string name = "commandId") => Value(form, name, Guid.NewGuid().ToString());

    public IEnumerable<string> ErrorsOf(string form, string name) =>
        IsPosted(form) ? Errors.Where(e => e.Key == name || e.Key.StartsWith(name + ".", StringComparison.Ordinal) || e.Key.StartsWith(name + "[", StringComparison.Ordinal))
            .SelectMany(e => e.Value.Select(m => e.Key == name ? m : $"{e.Key}: {m}")) : [];

    /// <summary>Messages of fields that no input of the form shows (the body as a whole, a nested field).</summary>
    public IHtmlContent FormMessages(string form, params string[] shown)
    {
        if (!IsPosted(form)) return HtmlString.Empty;
        var sb = new System.Text.StringBuilder();
        if (FormError is not null) sb.Append("<p class=\"form-error\" role=\"alert\">").Append(Enc.Encode(FormError)).Append("</p>");
        var other = Errors.Where(e => !shown.Any(s => e.Key == s || e.Key.StartsWith(s + ".", StringComparison.Ordinal) || e.Key.StartsWith(s + "[", StringComparison.Ordinal))).ToList();
        if (Errors.Count > 0)
        {
            sb.Append("<div class=\"form-error\" role=\"alert\"><p>Nothing was recorded: please correct the fields marked below.</p>");
            if (other.Count > 0)
            {
                sb.Append("<ul>");
                foreach (var (k, msgs) in other) foreach (var m in msgs) sb.Append("<li>").Append(Enc.Encode(k.Length > 0 ? $"{k}: {m}" : m)).Append("</li>");
                sb.Append("</ul>");
            }
            sb.Append("</div>");
        }
        return new HtmlString(sb.ToString());
    }

    public IHtmlContent Field(string form, string name, string label, string type = "text", bool required = false, string? value = null, string? hint = null, string? placeholder = null)
    {
        var id = Id(form, name);
        var errors = ErrorsOf(form, name).ToList();
        var input = $"<input id=\"{id}\" name=\"{Enc.Encode(name)}\" type=\"{type}\" value=\"{Enc.Encode(Value(form, name, value))}\"" +
                    (required ? " required" : "") + (placeholder is null ? "" : $" placeholder=\"{Enc.Encode(placeholder)}\"") +
                    (type == "number" ? " step=\"1\"" : "") + Described(id, errors, hint) + ">";
        return Wrap(id, label, required, input, errors, hint);
    }

    public IHtmlContent TextArea(string form, string name, string label, bool required = false, string? hint = null)
    {
        var id = Id(form, name);
        var errors = ErrorsOf(form, name).ToList();
        var input = $"<textarea id=\"{id}\" name=\"{Enc.Encode(name)}\" rows=\"2\"" + (required ? " required" : "") + Described(id, errors, hint) + ">" +
                    Enc.Encode(Value(form, name)) + "</textarea>";
        return Wrap(id, label, required, input, errors, hint);
    }

    public IHtmlContent Select(string form, string name, string label, IEnumerable<string> options, bool required = true, string? value = null, string? hint = null)
    {
        var id = Id(form, name);
        var errors = ErrorsOf(form, name).ToList();
        var current = Value(form, name, value);
        var sb = new System.Text.StringBuilder($"<select id=\"{id}\" name=\"{Enc.Encode(name)}\"" + (required ? " required" : "") + Described(id, errors, hint) + ">");
        if (!required) sb.Append("<option value=\"\">—</option>");
        foreach (var o in options)
            sb.Append($"<option value=\"{Enc.Encode(o)}\"{(o == current ? " selected" : "")}>{Enc.Encode(Display.Words(o))}</option>");
        sb.Append("</select>");
        return Wrap(id, label, required, sb.ToString(), errors, hint);
    }

    /// <summary>Amount and currency; an optional amount starts with an empty currency, so leaving both empty leaves the field out.</summary>
    public IHtmlContent Money(string form, string name, string label, bool required = true, string? hint = null, string? amount = null, string? currency = null)
    {
        var id = Id(form, name);
        var errors = ErrorsOf(form, name).ToList();
        var input = $"<span class=\"money\"><input id=\"{id}\" name=\"{Enc.Encode(name)}.amount\" inputmode=\"decimal\" value=\"{Enc.Encode(Value(form, name + ".amount", amount))}\"" +
                    (required ? " required" : "") + " placeholder=\"0.00\"" + Described(id, errors, hint) + ">" +
                    $"<input name=\"{Enc.Encode(name)}.currency\" aria-label=\"{Enc.Encode(label)} currency\" size=\"3\" maxlength=\"3\" placeholder=\"EUR\" value=\"{Enc.Encode(Value(form, name + ".currency", currency ?? (required ? "EUR" : "")))}\"></span>";
        return Wrap(id, label, required, input, errors, hint);
    }

    private static string Id(string form, string name) => "f-" + form + "-" + name.Replace('.', '-').Replace('[', '-').Replace("]", "");

    private static string Described(string id, List<string> errors, string? hint) =>
        (errors.Count > 0 ? " aria-invalid=\"true\"" : "") + (errors.Count > 0 || hint is not null ? $" aria-describedby=\"{id}-msg\"" : "");

    private static HtmlString Wrap(string id, string label, bool required, string input, List<string> errors, string? hint)
    {
        var sb = new System.Text.StringBuilder($"<div class=\"field{(errors.Count > 0 ? " invalid" : "")}\"><label for=\"{id}\">{Enc.Encode(label)}{(required ? "" : " <span class=\"optional\">(optional)</span>")}</label>");
        sb.Append(input);
        if (errors.Count > 0 || hint is not null)
        {
            sb.Append($"<div id=\"{id}-msg\">");
            if (hint is not null) sb.Append("<small class=\"hint\">").Append(Enc.Encode(hint)).Append("</small>");
            foreach (var e in errors) sb.Append("<small class=\"error\">").Append(Enc.Encode(e)).Append("</small>");
            sb.Append("</div>");
        }
        sb.Append("</div>");
        return new HtmlString(sb.ToString());
    }
}

/// <summary>How values read on a page.</summary>
public static class Display
{
    public static string Words(string wire) => wire.Replace('_', ' ');
    public static string Wire<T>(T value) where T : struct, Enum => Naming.SnakeCase(value.ToString());
    public static string Words<T>(T value) where T : struct, Enum => Words(Wire(value));
    public static string Money(Money m) => $"{m.FormatAmount()} {m.Currency}";
    public static string Money(Money? m) => m is { } v ? Money(v) : "—";
    public static string Date(LocalDate d) => LocalDatePattern.Iso.Format(d);
    public static string Date(LocalDate? d) => d is { } v ? Date(v) : "—";
    public static string Instant(Instant i, DateTimeZone zone) =>
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm").Format(i.InZone(zone).LocalDateTime);
    public static string LocalInput(Instant i, DateTimeZone zone) =>
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm").Format(i.InZone(zone).LocalDateTime);
    public static string Short(Guid id) => id.ToString()[..8];
}
