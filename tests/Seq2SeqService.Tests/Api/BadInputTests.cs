using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>Every kind of bad request gets a 4xx problem+json with a helpful detail, never a 500.</summary>
public sealed class BadInputTests(BadInputTests.Host host) : IClassFixture<BadInputTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ServiceFactory Factory { get; } = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Service:Limits:MaxTexts"] = "3",
            ["Service:Limits:MaxRequestBodyBytes"] = "2000",
            ["Service:Limits:MaxBeams"] = "4",
            ["Service:Limits:MaxNewTokens"] = "512",
        });

        public void Dispose() => Factory.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem, HttpResponseMessage Response)> PostAsync(
        string path, byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await host.Factory.CreateClient().PostAsync(path, content);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, problem, response);
    }

    private Task<(HttpStatusCode Status, JsonElement Problem, HttpResponseMessage Response)> PostAsync(string json,
        string path = "/translate") => PostAsync(path, Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("{\"text\": \"Hello\"", "not valid JSON")]
    [InlineData("{'text': 'Hello'}", "not valid JSON")]
    [InlineData("[\"Hello\"]", "must be a JSON object, not an array")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("{}", "text is required")]
    [InlineData("{\"text\": 42}", "text must be a string, not a number")]
    [InlineData("{\"texts\": \"Hello\"}", "texts must be an array of strings, not a string")]
    [InlineData("{\"texts\": [\"ok\", 7]}", "texts[1] must be a string, not a number")]
    [InlineData("{\"text\": \"\"}", "text must not be empty")]
    [InlineData("{\"text\": \"  \"}", "text must not be empty")]
    [InlineData("{\"texts\": []}", "texts must contain at least one text")]
    [InlineData("{\"texts\": [\"a\", \"b\", \"c\", \"d\"]}", "has 4 entries; at most 3")]
    [InlineData("{\"text\": \"a\", \"texts\": [\"b\"]}", "cannot be combined")]
    [InlineData("{\"text\": \"a\", \"model\": \"nope\"}", "model 'nope' is not a loaded model; loaded: scripted")]
    [InlineData("{\"text\": \"a\", \"model\": 3}", "model must be a string")]
    [InlineData("{\"text\": \"a\", \"colour\": 3}", "colour is not a known field")]
    [InlineData("{\"text\": \"a\", \"options\": []}", "options must be an object")]
    [InlineData("{\"text\": \"a\", \"options\": {\"num_beams\": 0}}", "options.num_beams must be an integer in [1, 4] on this service")]
    [InlineData("{\"text\": \"a\", \"options\": {\"num_beams\": 5}}", "options.num_beams must be an integer in [1, 4] on this service")]
    [InlineData("{\"text\": \"a\", \"options\": {\"num_beams\": 2, \"do_sample\": true}}", "options.do_sample must be false when num_beams > 1")]
    [InlineData("{\"text\": \"a\", \"options\": {\"num_beams\": 2.5}}", "options.num_beams must be an integer")]
    [InlineData("{\"text\": \"a\", \"options\": {\"num_beams\": \"2\"}}", "options.num_beams must be an integer, not a string")]
    [InlineData("{\"text\": \"a\", \"options\": {\"top_p\": 1.5}}", "options.top_p must be a number in (0, 1]")]
    [InlineData("{\"text\": \"a\", \"options\": {\"temperature\": 0}}", "options.temperature must be")]
    [InlineData("{\"text\": \"a\", \"options\": {\"max_new_tokens\": 100000}}", "options.max_new_tokens")]
    [InlineData("{\"text\": \"a\", \"options\": {\"do_sample\": \"yes\"}}", "options.do_sample must be a boolean")]
    [InlineData("{\"text\": \"a\", \"options\": {\"num_return_sequences\": 2}}", "options.num_return_sequences")]
    [InlineData("{\"text\": \"a\", \"options\": {\"max_tokens\": 5}}", "options.max_tokens is not a known field")]
    [InlineData("{\"text\": \"a\", \"options\": {\"return_attention\": true}}", "options.return_attention is not available with model 'scripted' (scripted): its decoder outputs no attention")]
    [InlineData("{\"text\": \"a\", \"options\": {\"return_attention\": 1}}", "options.return_attention must be a boolean")]
    [InlineData("{\"text\": \"a\", \"options\": {\"timeout_ms\": 0}}", "options.timeout_ms must be an integer number of milliseconds in [1, 86400000]")]
    [InlineData("{\"text\": \"a\", \"options\": {\"timeout_ms\": -5}}", "options.timeout_ms must be an integer number of milliseconds in [1, 86400000]")]
    [InlineData("{\"text\": \"a\", \"options\": {\"timeout_ms\": 86400001}}", "options.timeout_ms must be an integer number of milliseconds in [1, 86400000]")]
    [InlineData("{\"text\": \"a\", \"options\": {\"timeout_ms\": 1e12}}", "options.timeout_ms must be an integer")]
    [InlineData("{\"text\": \"a\", \"options\": {\"timeout_ms\": 1.5}}", "options.timeout_ms must be an integer")]
    [InlineData("{\"text\": \"a\", \"options\": {\"timeout_ms\": \"1000\"}}", "options.timeout_ms must be an integer, not a string")]
    public async Task Invalid_translate_bodies_get_400_naming_the_problem(string body, string expected)
    {
        var (status, problem, _) = await PostAsync(body);

        status.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("status").GetInt32().Should().Be(400);
        problem.GetProperty("detail").GetString().Should().Contain(expected);
    }

    [Fact]
    public async Task Invalid_utf8_gets_400()
    {
        var body = "{\"text\": \"caf"u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}"u8.ToArray()).ToArray();
        var (status, problem, _) = await PostAsync("/translate", body);

        status.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().Should().Contain("not valid UTF-8");
    }

    [Theory]
    [InlineData("/translate", "{\"text\": \"\\ud800\"}", "text")]
    [InlineData("/translate", "{\"texts\": [\"fine\", \"bad \\udc00 text\"]}", "texts[1]")]
    [InlineData("/translate", "{\"text\": \"a\", \"model\": \"\\ud800\"}", "model")]
    [InlineData("/translate", "{\"text\": \"a\", \"\\ud800\": 1}", "(a member name)")]
    [InlineData("/translate", "{\"text\": \"a\", \"options\": {\"\\udfff\\ud800\": 1}}", "options.(a member name)")]
    [InlineData("/tokenize", "{\"text\": \"x\\ud800\"}", "text")]
    [InlineData("/tokenize", "{\"text\": \"x\", \"model\": \"\\ud800\"}", "model")]
    public async Task Escapes_that_decode_to_a_lone_surrogate_get_400_naming_the_field(string path, string body, string field)
    {
        var (status, problem, _) = await PostAsync(body, path);

        status.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal(field);
        problem.GetProperty("detail").GetString().Should().Contain("not valid UTF-16");
    }

    [Fact]
    public async Task A_well_formed_surrogate_pair_is_accepted()
    {
        var response = await host.Factory.CreateClient().PostAsync("/translate",
            new StringContent("{\"text\": \"smile \\ud83d\\ude00\"}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(512)]
    [InlineData(513)]
    public async Task Max_new_tokens_beyond_the_limit_names_the_same_bound_whatever_the_value(int asked)
    {
        // The scripted model allows 64 new tokens, the service 512: the smaller bound applies and is named.
        var (status, problem, _) = await PostAsync(JsonSerializer.Serialize(new { text = "a", options = new { max_new_tokens = asked } }));

        status.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("options.max_new_tokens")[0].GetString().Should().Contain("[1, 64]");
    }

    [Fact]
    public async Task Echoed_client_values_are_truncated()
    {
        var (status, problem, _) = await PostAsync(JsonSerializer.Serialize(new { text = "a", model = new string('m', 1000) }));
        var (keyStatus, keyProblem, _) = await PostAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["text"] = "a",
            [new string('k', 500)] = 1,
        }));

        status.Should().Be(HttpStatusCode.BadRequest);
        problem.GetRawText().Length.Should().BeLessThan(600);
        problem.GetProperty("detail").GetString().Should().Contain("(1000 characters)");
        keyStatus.Should().Be(HttpStatusCode.BadRequest);
        keyProblem.GetRawText().Length.Should().BeLessThan(600);
        keyProblem.GetProperty("detail").GetString().Should().Contain("(500 characters)");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task Wrong_content_type_gets_415(string? contentType)
    {
        var (status, problem, _) = await PostAsync("/translate", "{\"text\":\"a\"}"u8.ToArray(), contentType);

        status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        problem.GetProperty("detail").GetString().Should().Contain("application/json");
    }

    [Fact]
    public async Task Oversized_body_gets_413()
    {
        var (status, _, _) = await PostAsync($"{{\"text\": \"{new string('a', 3000)}\"}}");
        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_sentence_longer_than_the_model_accepts_is_cut_and_translated_whole()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("word", 20)) + ".";
        var client = host.Factory.CreateClient();

        var response = await client.PostAsync("/translate", new StringContent(
            JsonSerializer.Serialize(new { texts = new[] { "fine", "Short. " + sentence } }), System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement
            .GetProperty("translations")[1].GetProperty("text").GetString()!;
        text.Split("word").Length.Should().Be(21, "every word of the over-long sentence is translated");
    }

    [Fact]
    public async Task Tokenize_rejects_bad_bodies_too()
    {
        (await PostAsync("{\"text\": 1}", "/tokenize")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync("{\"model\": \"scripted\"}", "/tokenize")).Problem.GetProperty("detail").GetString()
            .Should().Contain("text is required");
        (await PostAsync("/tokenize", "x"u8.ToArray(), "text/plain")).Status.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_get_problem_responses()
    {
        var client = host.Factory.CreateClient();

        var notFound = await client.GetAsync("/nope");
        notFound.StatusCode.Should().Be(HttpStatusCode.NotFound);
        notFound.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");

        var wrongMethod = await client.GetAsync("/translate");
        wrongMethod.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        wrongMethod.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }
}
