using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// The bearer-token handler: a <see cref="JsonWebTokenHandler"/> that remembers the tokens it has
/// found valid, so a client sending the same token on every request pays for the signature check
/// and the claim parsing once, not on every request (about 5 % of the service's CPU on a read).
/// <list type="bullet">
/// <item>Only valid tokens are remembered; a refused token is checked again every time.</item>
/// <item>The key is the whole token text, signature included: a token that differs in one character is a different key.</item>
/// <item>An entry is used until the token's own expiry (without the validator's clock skew) and for at most
/// <see cref="MaxAge"/>, so a signing key that an identity provider withdraws stops being honoured within that time.</item>
/// <item>At most <see cref="MaxEntries"/> entries; when full, the cache starts again empty.</item>
/// </list>
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time) : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTimeOffset Until)> valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (valid.TryGetValue(token, out var hit))
        {
            if (now < hit.Until) return hit.Result;
            valid.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var expires } && expires != DateTime.MinValue)
        {
            var until = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
            if (until > now + MaxAge) until = now + MaxAge;
            if (valid.Count >= MaxEntries) valid.Clear();
            valid[token] = (result, until);
        }
        return result;
    }
}
