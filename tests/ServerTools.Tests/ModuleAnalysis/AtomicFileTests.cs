using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ServerTools.Build.Reports;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>How the build writes a module report (<see cref="AtomicFile"/>): whole, or not at all.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string _root = Directory.CreateTempSubdirectory("servertools-report-file-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("write")]
    [InlineData("copy")]
    public async Task A_reader_sees_the_last_report_or_the_new_one_whole_while_a_build_writes_it(string how)
    {
        // The report a build writes, or the copy the collect step makes of it for `servertools report`.
        var path = Path.Combine(_root, "module-report.json");
        string[] reports = [new string('a', 1_000_000), new string('b', 1_500_000)];
        var sources = new string[2];
        for (var i = 0; i < 2; i++)
        {
            sources[i] = Path.Combine(_root, $"source{i}.txt");
            File.WriteAllText(sources[i], reports[i], s_utf8);
        }

        void Write(int report)
        {
            if (how == "write")
            {
                AtomicFile.Write(path, reports[report], s_utf8);
            }
            else
            {
                AtomicFile.Copy(sources[report], path);
            }
        }

        Write(0);

        // The writer rewrites the report, alternately long and short, for as long as the reader reads it.
        using var reading = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(() =>
        {
            while (!reading.IsCancellationRequested)
            {
                Write(Interlocked.Increment(ref writes) % 2);
            }
        });

        try
        {
            // At least 300 reads, and on until the writer has rewritten the report 20 times (a loaded machine may run the
            // writer's thread late), within a minute.
            var deadline = DateTime.UtcNow.AddMinutes(1);
            for (var read = 0; read < 300 || (Volatile.Read(ref writes) < 20 && DateTime.UtcNow < deadline); read++)
            {
                var text = File.ReadAllText(path);
                Assert.True(text == reports[0] || text == reports[1], $"read {text.Length} characters, a report cut short");
            }
        }
        finally
        {
            await reading.CancelAsync();
            await writer;
        }

        Assert.True(writes >= 20, $"the report was rewritten {writes} times while it was read, not 20");
        Assert.Equal([path, .. sources], Directory.GetFiles(_root).Order());
    }

    [Fact]
    public void A_report_that_cannot_take_its_name_fails_and_leaves_no_temporary_file()
    {
        // A folder where the report should be: the write fails as it would on a read-only file, and says so.
        var path = Path.Combine(_root, "module-report.json");
        Directory.CreateDirectory(path);

        var error = Record.Exception(() => AtomicFile.Write(path, "{}", s_utf8));

        Assert.True(error is IOException or UnauthorizedAccessException, $"expected an IOException, got {error}");
        Assert.Empty(Directory.GetFiles(_root));
    }
}
