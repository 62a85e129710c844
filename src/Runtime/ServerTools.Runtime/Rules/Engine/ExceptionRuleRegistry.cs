using System.Linq;
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;

namespace ServerTools.Rules;

/// <summary>
/// The code rules of every loaded assembly. The generated code of each assembly with
/// <see cref="ExceptionRuleAttribute">[ExceptionRule]</see> classes calls <see cref="Register"/> from a module
/// initializer, so the rules are known as soon as the assembly is loaded, without scanning. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ExceptionRuleRegistry
{
    private static readonly Lock s_lock = new();
    private static CodeRuleSet[] s_sets = [];
    private static int s_version;

    /// <summary>The registered rule sets (a snapshot).</summary>
    internal static CodeRuleSet[] Sets => Volatile.Read(ref s_sets);

    /// <summary>The code rules of every registered rule set (of a snapshot).</summary>
    internal static IEnumerable<ExceptionRuleInfo> Rules => Sets.SelectMany(static set => set.Rules);

    /// <summary>Changes whenever a rule set is registered, so plans cached by the engine are rebuilt.</summary>
    internal static int Version => Volatile.Read(ref s_version);

    /// <summary>Registers the code rules of one assembly for one entity type; registering the same instance twice does nothing.</summary>
    public static void Register(CodeRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        lock (s_lock)
        {
            if (Array.IndexOf(s_sets, rules) >= 0)
            {
                return;
            }

            var sets = new List<CodeRuleSet>(s_sets) { rules };
            Volatile.Write(ref s_sets, sets.ToArray());
            Interlocked.Increment(ref s_version);
        }
    }
}
