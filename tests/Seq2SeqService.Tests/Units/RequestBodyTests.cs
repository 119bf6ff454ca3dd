using System.Text;
using Microsoft.AspNetCore.Http;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Input;

namespace Seq2SeqService.Tests.Units;

/// <summary>A request's JSON body is read and parsed once, whichever of its readers (route, keys, quota, endpoint) asks first.</summary>
public sealed class RequestBodyTests
{
    private static DefaultHttpContext Posting(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        return context;
    }

    [Fact]
    public async Task The_fields_and_the_native_reader_share_one_parse_of_the_body()
    {
        var context = Posting(Encoding.UTF8.GetBytes("\uFEFF{\"q\": [\"a\", \"b\"], \"text\": \"c\"}"));

        var fields = await RequestFields.ReadAsync(context, 1024);
        // Nothing may read the body again: a second read would find this stream empty.
        context.Request.Body = new MemoryStream();
        var (root, problem) = await JsonBody.ReadObjectAsync(context.Request, 1024);

        fields.Error.Should().BeNull();
        fields.All("q").Should().Equal("a", "b");
        problem.Should().BeNull();
        root.GetProperty("text").GetString().Should().Be("c");
        (await JsonBody.ParseAsync(context.Request, 1024)).Should().BeSameAs(await JsonBody.ParseAsync(context.Request, 1024));
    }

    [Theory]
    [InlineData("{\"q\": ", 400, "not valid JSON")]
    [InlineData("[1]", 400, "must be a JSON object, not an array")]
    [InlineData("{\"q\": \"\\ud800\"}", 400, "q is not valid UTF-16")]
    [InlineData("{\"q\": \"far too long for the limit\"}", 413, "exceeds 16 bytes")]
    public async Task A_body_the_parse_refuses_is_refused_alike_by_the_fields_and_the_native_reader(string body, int status,
        string problem)
    {
        var context = Posting(Encoding.UTF8.GetBytes(body));

        var fields = await RequestFields.ReadAsync(context, 16);
        var (_, native) = await JsonBody.ReadObjectAsync(context.Request, 16);

        fields.ErrorStatus.Should().Be(status);
        fields.Error.Should().Contain(problem);
        native!.StatusCode.Should().Be(status);
        native.ProblemDetails.Detail.Should().Contain(problem);
    }
}
