using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// JWT bearer: HS256 with <c>Auth:SigningKey</c> (development, tests), or an OpenID Connect
/// authority (<c>Auth:Authority</c>, <c>Auth:Audience</c>) in production.
/// </summary>
public static class Auth
{
    public const string Issuer = "assetledger";
    public const string Audience = "assetledger";

    public static void AddAssetLedgerAuth(this IServiceCollection services, IConfiguration config)
    {
        var authority = config["Auth:Authority"];
        var key = config["Auth:SigningKey"];
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new ValidatedTokenCache(TimeProvider.System) { MapInboundClaims = false });
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true, ValidateAudience = true, ValidateLifetime = true, RequireExpirationTime = true,
                RequireSignedTokens = true, ValidateIssuerSigningKey = true,
                NameClaimType = "name", RoleClaimType = "role", ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (!string.IsNullOrEmpty(authority))
            {
                o.Authority = authority;
                o.Audience = config["Auth:Audience"] ?? Audience;
                o.TokenValidationParameters.ValidAudience = o.Audience;
            }
            else
            {
                o.TokenValidationParameters.ValidIssuer = Issuer;
                o.TokenValidationParameters.ValidAudience = Audience;
                o.TokenValidationParameters.IssuerSigningKey = SigningKey(key);
                o.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            o.Events = new JwtBearerEvents
            {
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    var detail = ctx.AuthenticateFailure is null ? "Send a bearer token." : "The token is invalid or expired.";
                    ctx.Response.Headers.WWWAuthenticate = "Bearer";
                    await Problems.WriteAsync(ctx.HttpContext, 401, "unauthorized", "Authentication is required.", detail);
                },
            };
        });
        services.AddAuthorization();
    }

    public static SymmetricSecurityKey SigningKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || Encoding.UTF8.GetByteCount(key) < 32)
            throw new InvalidOperationException("Auth:SigningKey must be set to at least 32 bytes (or set Auth:Authority for OpenID Connect).");
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>A development token (HS256) for the given claims.</summary>
    public static string CreateToken(string signingKey, string sub, string name, string[] roles, string jurisdiction, string agency, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = sub, ["name"] = name, ["jurisdiction"] = jurisdiction, ["agency"] = agency,
            ["role"] = roles.Length == 1 ? roles[0] : roles,
        };
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, Claims = claims, IssuedAt = now, NotBefore = now, Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(SigningKey(signingKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
