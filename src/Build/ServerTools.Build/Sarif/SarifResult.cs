using System.Collections.Generic;

namespace ServerTools.Build.Sarif;

/// <summary>One result (diagnostic) of a SARIF log, as much of it as the report needs.</summary>
/// <param name="RuleId">The diagnostic id, such as <c>ST0001</c>.</param>
/// <param name="Level">The level as SARIF writes it: <c>error</c>, <c>warning</c>, <c>note</c> or <c>none</c>.</param>
/// <param name="Suppressed">True when the diagnostic was suppressed (in source or by a suppressor).</param>
/// <param name="Properties">The diagnostic's custom properties (Roslyn's <c>Diagnostic.Properties</c>).</param>
public sealed record SarifResult(string RuleId, string Level, bool Suppressed, IReadOnlyDictionary<string, string> Properties);
