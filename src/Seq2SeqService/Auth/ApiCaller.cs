namespace Seq2SeqService.Auth;

/// <summary>
/// The holder of a presented key (or <see cref="Anonymous"/> on an open service), set on the request's
/// features once the key is accepted.
/// </summary>
public sealed record ApiCaller(string Name, int RequestsPerMinute, long CharactersPerMonth)
{
    /// <summary>Every caller of a service without keys.</summary>
    public static ApiCaller Anonymous { get; } = new("anonymous", 0, 0);

    public static ApiCaller? Of(HttpContext context) => context.Features.Get<ApiCaller>();
}
