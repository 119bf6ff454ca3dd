using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// A configuration source with one section hidden: a test host's bundle list then replaces appsettings.json's, where
/// the configuration binder would merge the two by index and keep the entries past the test's last.
/// </summary>
internal sealed class HiddenSectionSource(IConfigurationSource inner, string section) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(inner.Build(builder), section);

    private sealed class Provider(IConfigurationProvider inner, string section) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value)
        {
            value = null;
            return !Hidden(key) && inner.TryGet(key, out value);
        }

        public void Set(string key, string? value) => inner.Set(key, value);

        public IChangeToken GetReloadToken() => inner.GetReloadToken();

        public void Load() => inner.Load();

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            parentPath is not null && Hidden(parentPath) ? earlierKeys : inner.GetChildKeys(earlierKeys, parentPath);

        private bool Hidden(string key) => key.Equals(section, StringComparison.OrdinalIgnoreCase) ||
            key.StartsWith(section + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);
    }
}
