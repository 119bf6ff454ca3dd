using System.Net.Http.Json;
using System.Text.Json;
using PuppeteerSharp;
using Seq2SeqService.Browser.Tests.Infrastructure;

namespace Seq2SeqService.Browser.Tests;

/// <summary>A person translates a file in the page's "Translate a file" area, with the real default model.</summary>
[Collection(DefaultModelCollection.Name)]
public sealed class DocumentPageTests(DefaultModelPage fixture)
{
    [Fact]
    public async Task A_chosen_txt_file_is_translated_with_progress_to_the_end_and_offered_as_a_french_download()
    {
        const string text = "The cat is sleeping on the sofa.\n\nThank you very much.\n";
        var folder = Directory.CreateTempSubdirectory("page-document-").FullName;
        var path = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(path, text);
        try
        {
            await using var session = await fixture.OpenAsync();
            (await session.EvaluateAsync<bool>("document.getElementById('file-translate').disabled"))
                .Should().BeTrue("there is no file to translate yet");

            var input = (IElementHandle)await session.Page.QuerySelectorAsync("#file");
            await input.UploadFileAsync(path);
            (await session.TextOfAsync("file-name")).Should().Be("notes.txt");
            await session.Page.ClickAsync("#file-translate");
            await session.WaitUntilAsync("!document.getElementById('file-download').hidden || !document.getElementById('error').hidden");

            (await session.IsShownAsync("error")).Should().BeFalse(await session.TextOfAsync("error"));
            (await session.EvaluateAsync<double>("document.getElementById('file-progress').value")).Should().Be(1);
            (await session.TextOfAsync("file-status")).Should().StartWith("Translated");
            (await session.EvaluateAsync<string>("document.getElementById('file-download').download")).Should().Be("notes.txt");
            var saved = await DownloadAsync(session, Path.Combine(folder, "downloads"));
            saved.Should().Be(await TranslateViaApiAsync(text));
            saved.Should().Contain("chat", "the French for 'cat' is 'chat'");
            session.Errors.Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Clicks the download link as a person does and reads the file Chromium saved once it says the download completed.</summary>
    private static async Task<string> DownloadAsync(PageSession session, string folder)
    {
        var cdp = await session.Page.CreateCDPSessionAsync();
        var completed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var names = new Dictionary<string, string>();
        cdp.MessageReceived += (_, e) =>
        {
            var data = e.MessageData;
            if (e.MessageID == "Page.downloadWillBegin")
            {
                lock (names)
                {
                    names[data.GetProperty("guid").GetString()!] = data.GetProperty("suggestedFilename").GetString()!;
                }
            }
            else if (e.MessageID == "Page.downloadProgress" && data.GetProperty("state").GetString() == "completed")
            {
                lock (names)
                {
                    completed.TrySetResult(names[data.GetProperty("guid").GetString()!]);
                }
            }
        };
        await cdp.SendAsync("Page.enable");
        await cdp.SendAsync("Page.setDownloadBehavior", new Dictionary<string, object> { ["behavior"] = "allow", ["downloadPath"] = folder });

        await session.Page.ClickAsync("#file-download");

        var name = await completed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        name.Should().Be("notes.txt");
        return await File.ReadAllTextAsync(Path.Combine(folder, name));
    }

    private async Task<string> TranslateViaApiAsync(string text)
    {
        using var response = await fixture.Host.Api.PostAsJsonAsync("/translate", new { text });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("translations")[0].GetProperty("text").GetString()!;
    }
}
