using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Seq2SeqService.Auth;

/// <summary>
/// The accepted keys, held as SHA-256 digests. A presented key is hashed and compared with every digest in
/// constant time, without stopping at a match, so timing tells nothing about how close a guess was or which
/// key it matched.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly (byte[] Digest, ApiCaller Caller)[] _keys;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        _keys = ApiKeyList.Collect(options.Value).Keys
            .Select(k => (Digest(k.Key), new ApiCaller(k.Name!, k.RequestsPerMinute, k.CharactersPerMonth)))
            .ToArray();
    }

    /// <summary>Whether any key is configured; without keys the service is open.</summary>
    public bool Enabled => _keys.Length > 0;

    public IEnumerable<ApiCaller> Callers => _keys.Select(k => k.Caller);

    public ApiCaller? Find(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = Digest(presented);
        ApiCaller? found = null;
        foreach (var (candidate, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, candidate))
            {
                found = caller;
            }
        }

        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
