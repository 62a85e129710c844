using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace ServerTools.Tests.Infrastructure.Browser;

/// <summary>
/// A Chrome DevTools Protocol connection over a WebSocket: commands with ids and their replies, and events
/// (flat sessions: a command or event of a page carries its <c>sessionId</c>).
/// </summary>
public sealed class CdpConnection : IAsyncDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<EventWaiter> _waiters = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private int _nextId;

    private CdpConnection(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Connects to a DevTools WebSocket, e.g. <c>ws://127.0.0.1:port/devtools/browser/id</c>.</summary>
    public static async Task<CdpConnection> ConnectAsync(Uri endpoint)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(s_commandTimeout);
        await socket.ConnectAsync(endpoint, timeout.Token);
        return new CdpConnection(socket);
    }

    /// <summary>Sends a command and returns its <c>result</c>; fails with the protocol's error message.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }

        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        }
        finally
        {
            _sendLock.Release();
        }

        try
        {
            return await reply.Task.WaitAsync(s_commandTimeout);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            throw new XunitException($"Chromium did not answer {method} within {s_commandTimeout}.");
        }
    }

    /// <summary>
    /// A task that completes with the <c>params</c> of the next event <paramref name="method"/> of the session.
    /// Call it before the command that causes the event, then await it.
    /// </summary>
    public Task<JsonElement> WaitForEventAsync(string method, string? sessionId)
    {
        var waiter = new EventWaiter(method, sessionId, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waiters)
        {
            _waiters.Add(waiter);
        }

        return waiter.Completion.Task.WaitAsync(s_commandTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _receiving;
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The browser closed the connection or the test stopped reading: nothing more to receive.
        }

        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        finally
        {
            var closed = new XunitException("The DevTools connection to Chromium closed.");
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(closed);
            }
        }
    }

    private void Dispatch(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.TryGetProperty("id", out var id))
        {
            if (_pending.TryRemove(id.GetInt32(), out var reply))
            {
                if (root.TryGetProperty("error", out var error))
                {
                    reply.TrySetException(new XunitException("DevTools error: " + error.GetRawText()));
                }
                else
                {
                    reply.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
                }
            }

            return;
        }

        if (!root.TryGetProperty("method", out var methodElement))
        {
            return;
        }

        var method = methodElement.GetString();
        var sessionId = root.TryGetProperty("sessionId", out var session) ? session.GetString() : null;
        var parameters = root.TryGetProperty("params", out var value) ? value.Clone() : default;
        lock (_waiters)
        {
            for (var index = _waiters.Count - 1; index >= 0; index--)
            {
                var waiter = _waiters[index];
                if (waiter.Method == method && waiter.SessionId == sessionId)
                {
                    _waiters.RemoveAt(index);
                    waiter.Completion.TrySetResult(parameters);
                }
            }
        }
    }

    private sealed record EventWaiter(string Method, string? SessionId, TaskCompletionSource<JsonElement> Completion);
}
