using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace ServerTools.Tests.Infrastructure.Browser;

/// <summary>A tab of <see cref="HeadlessChromium"/>, driven through its DevTools session.</summary>
public sealed class BrowserPage
{
    private readonly CdpConnection _connection;
    private readonly string _sessionId;
    private readonly int _width;

    private BrowserPage(CdpConnection connection, string sessionId, int width)
    {
        _connection = connection;
        _sessionId = sessionId;
        _width = width;
    }

    /// <summary>Opens a blank tab with a viewport of <paramref name="width"/> x <paramref name="height"/> CSS pixels.</summary>
    internal static async Task<BrowserPage> CreateAsync(CdpConnection connection, int width, int height)
    {
        var target = await connection.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await connection.SendAsync(
            "Target.attachToTarget",
            new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
        var page = new BrowserPage(connection, attached.GetProperty("sessionId").GetString()!, width);
        await page.SendAsync("Page.enable");
        await page.SetViewportAsync(height);
        return page;
    }

    /// <summary>Navigates and waits for the load event.</summary>
    public async Task NavigateAsync(Uri url)
    {
        var loaded = _connection.WaitForEventAsync("Page.loadEventFired", _sessionId);
        var navigation = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        if (navigation.TryGetProperty("errorText", out var errorText))
        {
            throw new XunitException($"Chromium could not open {url}: {errorText.GetString()}");
        }

        await loaded;
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its value (as JSON).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var evaluation = await SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (evaluation.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new XunitException("The page's JavaScript failed: " + exception.GetRawText());
        }

        return evaluation.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Saves a PNG of the whole page (the viewport grows to the page's height first).</summary>
    public async Task CaptureFullPageScreenshotAsync(string pngFile)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics");
        var height = (int)Math.Ceiling(metrics.GetProperty("cssContentSize").GetProperty("height").GetDouble());
        await SetViewportAsync(height);
        var screenshot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngFile))!);
        await File.WriteAllBytesAsync(pngFile, Convert.FromBase64String(screenshot.GetProperty("data").GetString()!));
    }

    private async Task SetViewportAsync(int height) =>
        await SendAsync(
            "Emulation.setDeviceMetricsOverride",
            new JsonObject { ["width"] = _width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });

    private Task<JsonElement> SendAsync(string method, JsonObject? parameters = null) => _connection.SendAsync(method, parameters, _sessionId);
}
