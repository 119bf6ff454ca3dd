namespace Seq2SeqService.Auth;

/// <summary>
/// How one API (native, LibreTranslate, DeepL) carries its key, counts billable characters and refuses a
/// request; each API's endpoints implement it, and this stage only asks.
/// </summary>
public interface IApiDialect
{
    /// <summary>The key the request presents, or <see langword="null"/>.</summary>
    ValueTask<string?> ReadKeyAsync(HttpContext context);

    /// <summary>Characters the request asks to translate, charged against the caller's monthly quota.</summary>
    ValueTask<long> BillableCharactersAsync(HttpContext context);

    /// <summary>A missing or unknown key.</summary>
    IResult Unauthorized(bool keyPresented);

    /// <summary>Over the caller's request rate; <c>Retry-After</c> is already set.</summary>
    IResult TooManyRequests();

    /// <summary>Over the caller's character quota; <c>Retry-After</c> is already set.</summary>
    IResult QuotaExceeded(long used, long limit);
}

/// <summary>
/// Endpoint metadata: the endpoint needs a key (when keys are configured), read the dialect's way; a metered one
/// also counts against the key's request rate (lookups such as usage and language lists do not).
/// </summary>
public sealed record ApiKeyRequirement(IApiDialect Dialect, bool Metered);

public static class ApiKeyRequirementExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, IApiDialect dialect, bool metered = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiKeyRequirement(dialect, metered));
}
