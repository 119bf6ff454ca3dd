using System.Net;
using Seq2SeqService.Testing;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>With keys configured every translation endpoint needs one, and each API refuses its own way.</summary>
public sealed class ApiKeyTests(ApiKeyTests.Host host) : IClassFixture<ApiKeyTests.Host>
{
    private const string Key = "k-alpha-0123456789";

    public sealed class Host : IDisposable
    {
        public ServiceFactory Factory { get; } = Create(new Dictionary<string, string?>
        {
            ["Service:Auth:ApiKeys:0:Key"] = Key,
            ["Service:Auth:ApiKeys:0:Name"] = "alpha",
        });

        public void Dispose() => Factory.Dispose();
    }

    private HttpClient Client => host.Factory.CreateClient();

    [Theory]
    [InlineData(null, null)]
    [InlineData("Authorization", "Bearer wrong")]
    [InlineData("X-API-Key", "wrong")]
    [InlineData("Authorization", "DeepL-Auth-Key " + Key)]
    public async Task Native_api_without_a_valid_key_gets_401_problem(string? header, string? value)
    {
        var headers = header is null ? [] : new[] { (header, value!) };

        var (status, body, response) = await Client.PostAndReadAsync("/translate", Json(new { text = "Hello" }), headers);

        status.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        body.GetProperty("detail").GetString().Should().NotContain(Key);
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + Key)]
    [InlineData("Authorization", "bearer " + Key)]
    [InlineData("X-API-Key", Key)]
    public async Task Native_api_takes_a_bearer_token_or_x_api_key(string header, string value)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { text = "Hello" }), (header, value));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be("<0>Hello");
    }

    [Fact]
    public async Task Tokenize_needs_a_key_too()
    {
        (await Client.PostAndReadAsync("/tokenize", Json(new { text = "Hello" }))).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await Client.PostAndReadAsync("/tokenize", Json(new { text = "Hello" }), ("X-API-Key", Key))).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LibreTranslate_takes_api_key_from_form_json_or_query_and_refuses_with_403()
    {
        (await Client.PostAndReadAsync("/translate", Form(("q", "Hi"), ("source", "en"), ("target", "xx"), ("api_key", Key))))
            .Status.Should().Be(HttpStatusCode.OK);
        (await Client.PostAndReadAsync("/translate", Json(new { q = "Hi", source = "en", target = "xx", apiKey = Key })))
            .Status.Should().Be(HttpStatusCode.OK);
        (await Client.PostAndReadAsync($"/detect?api_key={Key}", Form(("q", "Hi")))).Status.Should().Be(HttpStatusCode.OK);

        var (wrong, wrongBody, _) = await Client.PostAndReadAsync("/translate",
            Multipart(("q", "Hi"), ("source", "en"), ("target", "xx"), ("api_key", "nope")));
        var (missing, missingBody, _) = await Client.PostAndReadAsync("/detect", Json(new { q = "Hi" }));

        wrong.Should().Be(HttpStatusCode.Forbidden);
        wrongBody.GetProperty("error").GetString().Should().Be("Invalid API key");
        missing.Should().Be(HttpStatusCode.Forbidden);
        missingBody.GetProperty("error").GetString().Should().Contain("api_key");
    }

    [Theory]
    [InlineData("POST", "/v2/translate")]
    [InlineData("GET", "/v2/languages")]
    [InlineData("GET", "/v2/usage")]
    public async Task DeepL_refuses_a_wrong_or_missing_key_with_403(string method, string path)
    {
        var content = method == "POST" ? Form(("text", "Hi"), ("target_lang", "XX")) : null;
        var (wrong, body, _) = await Client.SendAndReadAsync(new HttpMethod(method), path, content, ("Authorization", "DeepL-Auth-Key nope"));
        var (missing, _, _) = await Client.SendAndReadAsync(new HttpMethod(method), path,
            method == "POST" ? Form(("text", "Hi"), ("target_lang", "XX")) : null);
        var (right, _, _) = await Client.SendAndReadAsync(new HttpMethod(method), path,
            method == "POST" ? Form(("text", "Hi"), ("target_lang", "XX")) : null, ("Authorization", "DeepL-Auth-Key " + Key));

        wrong.Should().Be(HttpStatusCode.Forbidden);
        body.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        missing.Should().Be(HttpStatusCode.Forbidden);
        right.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/models")]
    [InlineData("/languages")]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/swagger/libretranslate/swagger.json")]
    [InlineData("/swagger/deepl/swagger.json")]
    public async Task Health_metrics_listings_and_swagger_stay_open(string path)
    {
        using var response = await Client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Client_keys_do_not_open_metrics_and_the_operator_key_is_no_client_key()
    {
        const string operatorKey = "operator-key-0123456789";
        using var factory = Create(new Dictionary<string, string?>
        {
            ["Service:Auth:ApiKeys:0:Key"] = Key,
            ["Service:Server:OperatorKey"] = operatorKey,
        });
        var client = factory.CreateClient();

        (await client.SendAndReadAsync(HttpMethod.Get, "/metrics", null, ("X-API-Key", Key))).Status
            .Should().Be(HttpStatusCode.Unauthorized);
        (await client.SendAndReadAsync(HttpMethod.Get, "/metrics", null, ("Authorization", "Bearer " + Key))).Status
            .Should().Be(HttpStatusCode.Unauthorized);
        (await client.PostAndReadAsync("/translate", Json(new { text = "Hi" }), ("Authorization", "Bearer " + operatorKey)))
            .Status.Should().Be(HttpStatusCode.Unauthorized);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer " + operatorKey } } };
        (await client.SendAsync(scrape)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Keys_can_come_from_a_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "[{\"Key\": \"from-file-key\", \"Name\": \"mounted\"}]");
            using var factory = Create(new Dictionary<string, string?> { ["Service:Auth:KeysFile"] = file });
            var client = factory.CreateClient();

            (await client.PostAndReadAsync("/translate", Json(new { text = "Hi" }), ("X-API-Key", "from-file-key")))
                .Status.Should().Be(HttpStatusCode.OK);
            (await client.PostAndReadAsync("/translate", Json(new { text = "Hi" }))).Status.Should().Be(HttpStatusCode.Unauthorized);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Service__Auth__ApiKeys__0__Key", " ", "Service:Auth:ApiKeys:0:Key is empty")]
    [InlineData("Service__Auth__ApiKeys__0__RequestsPerMinute", "-1", "Service:Auth:ApiKeys:0:RequestsPerMinute = -1")]
    [InlineData("Service__Auth__KeysFile", "/nonexistent/keys.json", "Service:Auth:KeysFile '/nonexistent/keys.json'")]
    [InlineData("Service__Auth__ApiKeys__1__Key", "dup-secret", "same key more than once")]
    public async Task Unusable_key_settings_stop_start_up_naming_the_setting_never_the_key(string setting, string value,
        string expected)
    {
        var (exitCode, output) = await ServiceProcess.RunAsync(["--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}"],
            new Dictionary<string, string> { ["Service__Auth__ApiKeys__0__Key"] = "dup-secret", [setting] = value });

        exitCode.Should().Be(1);
        output.Should().Contain(expected).And.NotContain("dup-secret");
    }
}
