namespace ServerTools.Generators.Common;

/// <summary>Facts about this generator assembly that generated code records.</summary>
internal static class GeneratorInfo
{
    public const string Name = "ServerTools.Generators";

    /// <summary>The assembly version, written in <c>[GeneratedCode]</c>.</summary>
    public static readonly string Version = typeof(GeneratorInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    /// <summary>The <c>[GeneratedCode]</c> attribute line for generated members.</summary>
    public static readonly string GeneratedCodeAttribute =
        $"[global::System.CodeDom.Compiler.GeneratedCode(\"{Name}\", \"{Version}\")]";
}
