using System.Text;
using System.Text.Json;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>
/// Requests broken at the HTTP level, which Kestrel rejects before or while the app reads them: each gets its
/// 4xx with a problem+json body, never an empty body or a 500.
/// </summary>
public sealed class HttpProtocolTests(HttpProtocolTests.Service service) : IClassFixture<HttpProtocolTests.Service>
{
    public sealed class Service : IAsyncLifetime
    {
        public ServiceProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await ServiceProcess.StartAsync();

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }

    private static byte[] Post(string path, string headers, string body) => Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{headers}\r\n{body}");

    public static TheoryData<string, byte[], int> Cases() => new()
    {
        { "chunk size overflowing 64 bits", Post("/translate", "Transfer-Encoding: chunked\r\n", "ffffffffffffffffff\r\n{}\r\n0\r\n\r\n"), 400 },
        { "chunk size not hexadecimal", Post("/translate", "Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n"), 400 },
        { "chunk without its CRLF", Post("/tokenize", "Transfer-Encoding: chunked\r\n", "2\r\n{}XX0\r\n\r\n"), 400 },
        { "URI over the request-line limit", Encoding.ASCII.GetBytes($"GET /{new string('a', 70_000)} HTTP/1.1\r\nHost: x\r\n\r\n"), 414 },
        { "header over the headers limit", Encoding.ASCII.GetBytes($"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 70_000)}\r\n\r\n"), 431 },
        { "garbage request line", "GARBAGE\r\n\r\n"u8.ToArray(), 400 },
        { "header without a colon", "GET /health/live HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"u8.ToArray(), 400 },
        { "two Content-Length values", Post("/translate", "Content-Length: 2\r\nContent-Length: 3\r\n", "{}"), 400 },
        { "Content-Length not a number", Post("/translate", "Content-Length: many\r\n", "{}"), 400 },
        { "body over MaxRequestBodyBytes", Post("/translate", "Content-Length: 2000000\r\n", "{"), 413 },
        { "request line ended by a bare LF", "GET /health/live HTTP/1.1\nHost: x\r\n\r\n"u8.ToArray(), 400 },
        { "header ended by a bare LF", "GET /health/live HTTP/1.1\r\nHost: x\nX-Forwarded-For: 10.0.0.1\r\n\r\n"u8.ToArray(), 400 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Protocol_errors_get_their_4xx_with_a_problem_body(string what, byte[] request, int expected)
    {
        var response = await RawHttp.SendAsync(service.Process.Port, request);

        response.Status.Should().Be(expected, what);
        response.Header("Content-Type").Should().StartWith("application/problem+json", what);
        JsonDocument.Parse(response.Body).RootElement.GetProperty("status").GetInt32().Should().Be(expected, what);
        response.Header("Server").Should().BeNull("the server does not advertise itself");
    }

    [Fact]
    public async Task Ordinary_responses_are_untouched_and_keep_the_connection()
    {
        var request = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        var response = await RawHttp.SendAsync(service.Process.Port, request);

        response.Status.Should().Be(200);
        response.Body.Should().Be("{\"status\":\"live\"}");
        response.Header("Connection").Should().BeNull();
        response.Header("Server").Should().BeNull();
    }
}
