using System;
using System.IO;
using System.Text;

namespace ServerTools.Build.Reports;

/// <summary>
/// Writes a report file so that a reader never sees part of it: the text goes to a temporary file in the same folder,
/// which then takes the report's name in one rename. A tool that reads the report while a build writes it (the
/// solution report, an editor, a CI step, another project's build) reads the last report or the new one, whole.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/>, replacing the file there in one step.</summary>
    /// <exception cref="IOException">The folder cannot be written, or the file is held open by another process on Windows.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is read-only.</exception>
    public static void Write(string path, string contents, Encoding encoding)
        => Replace(path, temporary => File.WriteAllText(temporary, contents, encoding));

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/>, replacing the file there in one step.</summary>
    /// <exception cref="IOException">The source cannot be read, the folder cannot be written, or the file is held open by another process on Windows.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file is read-only.</exception>
    public static void Copy(string source, string path)
        => Replace(path, temporary => File.Copy(source, temporary));

    private static void Replace(string path, Action<string> write)
    {
        // In the file's folder, so that the rename stays on one file system (a move across file systems is a copy).
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            write(temporary);
            if (File.Exists(path))
            {
                File.Replace(temporary, path, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temporary, path);
            }
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Deletes the temporary file a failed write left; a failure to do so must not hide the write's own error.</summary>
    private static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stray '.tmp' beside the report does no harm: nothing reads it, and the next write uses another name.
        }
    }
}
