using PuppeteerSharp;

namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>Debian's headless Chromium, started once for the test run; never a downloaded browser.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: install Debian's chromium package (apt-get install -y chromium).");
        }

        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Chromium's sandbox refuses to start as root, which CI containers are; /dev/shm is small there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync() => await Browser.DisposeAsync();
}
