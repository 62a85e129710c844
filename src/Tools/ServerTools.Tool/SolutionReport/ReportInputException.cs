using System;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// Input the report command cannot use (a missing path, a file that is not a module report, bad options).
/// The message says what is wrong and how to fix it; the command prints it and exits with code 2.
/// </summary>
public sealed class ReportInputException : Exception
{
    public ReportInputException(string message)
        : base(message)
    {
    }

    public ReportInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReportInputException()
    {
    }
}
