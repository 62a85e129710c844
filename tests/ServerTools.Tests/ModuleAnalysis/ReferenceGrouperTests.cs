using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Build.References;
using ServerTools.Build.Reports;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>References grouped from the metadata the .NET SDK puts on @(ReferencePath).</summary>
public sealed class ReferenceGrouperTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("servertools-references-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The path of a real assembly signed with one of Microsoft's keys: the one that defines <typeparamref name="T"/>.</summary>
    private static string MicrosoftAssembly<T>() => typeof(T).Assembly.Location;

    /// <summary>Compiles an unsigned assembly named <paramref name="name"/> into the test's folder; returns its path.</summary>
    internal static string UnsignedAssembly(string folder, string name)
    {
        var path = Path.Combine(folder, name + ".dll");
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText("public static class Marker { }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }

    private static ReferenceItem Item(string path, params (string Name, string Value)[] metadata)
    {
        var values = new Dictionary<string, string>();
        foreach (var (name, value) in metadata)
        {
            values[name] = value;
        }

        return new ReferenceItem(path, values);
    }

    [Fact]
    public void Framework_package_project_and_ServerTools_references_land_in_their_groups()
    {
        ReferenceItem[] references =
        [
            // A targeting pack assembly: the SDK sets both the framework and the pack's package id.
            Item("/usr/share/dotnet/packs/Microsoft.NETCore.App.Ref/10.0.0/ref/net10.0/System.Runtime.dll",
                ("FrameworkReferenceName", "Microsoft.NETCore.App"), ("NuGetPackageId", "Microsoft.NETCore.App.Ref"), ("NuGetPackageVersion", "10.0.0")),
            Item("/usr/share/dotnet/packs/Microsoft.NETCore.App.Ref/10.0.0/ref/net10.0/System.Linq.dll",
                ("FrameworkReferenceName", "Microsoft.NETCore.App"), ("NuGetPackageId", "Microsoft.NETCore.App.Ref")),
            Item("/usr/share/dotnet/packs/Microsoft.AspNetCore.App.Ref/10.0.0/ref/net10.0/Microsoft.AspNetCore.Http.dll",
                ("FrameworkReferenceName", "Microsoft.AspNetCore.App")),
            Item("/root/.nuget/packages/npgsql/10.0.0/lib/net10.0/Npgsql.dll", ("NuGetPackageId", "Npgsql"), ("NuGetPackageVersion", "10.0.0")),
            Item(MicrosoftAssembly<SyntaxTree>(), ("NuGetPackageId", "Microsoft.CodeAnalysis.Common"), ("NuGetPackageVersion", "4.14.0")),
            Item(MicrosoftAssembly<CSharpSyntaxTree>(), ("NuGetPackageId", "Microsoft.CodeAnalysis.Common"), ("NuGetPackageVersion", "4.14.0")),
            Item("/root/.nuget/packages/servertools/0.1.0/lib/net10.0/ServerTools.dll", ("NuGetPackageId", "ServerTools"), ("NuGetPackageVersion", "0.1.0")),
            Item("/repo/artifacts/obj/ServerTools.Testing/debug/ref/ServerTools.Testing.dll", ("ReferenceSourceTarget", "ProjectReference")),
            Item("/repo/artifacts/obj/Shop.Domain/debug/ref/Shop.Domain.dll", ("ReferenceSourceTarget", "ProjectReference")),
            Item("/repo/libs/Legacy.dll"),
        ];

        var groups = ReferenceGrouper.Group(references);

        Assert.Equal(["Microsoft.AspNetCore.App", "Microsoft.NETCore.App"], groups.Dotnet);
        Assert.Equal(["ServerTools", "ServerTools.Testing"], groups.ServerTools);
        Assert.Equal(["Shop.Domain"], groups.Projects);
        Assert.Equal([new PackageEntry("Legacy", ""), new PackageEntry("Npgsql", "10.0.0")], groups.Packages);
        Assert.Equal([new PackageEntry("Microsoft.CodeAnalysis.Common", "4.14.0")], groups.DotnetPackages);
    }

    [Fact]
    public void Microsofts_packages_are_dotnet_in_every_project_type_and_third_party_packages_stay_packages()
    {
        // A Web SDK project gets Microsoft.Extensions.Logging from the Microsoft.AspNetCore.App framework; a plain project
        // from the package. Both are .NET; only the plain project's has a version to show.
        var web = ReferenceGrouper.Group(
        [
            Item("/usr/share/dotnet/packs/Microsoft.AspNetCore.App.Ref/10.0.0/ref/net10.0/Microsoft.Extensions.Logging.dll",
                ("FrameworkReferenceName", "Microsoft.AspNetCore.App")),
        ]);
        var plain = ReferenceGrouper.Group(
        [
            Item(MicrosoftAssembly<Microsoft.Extensions.Logging.LoggerFactory>(),
                ("NuGetPackageId", "Microsoft.Extensions.Logging"), ("NuGetPackageVersion", "10.0.0")),
            Item(MicrosoftAssembly<Microsoft.EntityFrameworkCore.DbContext>(),
                ("NuGetPackageId", "Microsoft.EntityFrameworkCore"), ("NuGetPackageVersion", "10.0.0")),
            Item(MicrosoftAssembly<System.Collections.Immutable.ImmutableArray<int>>(),
                ("NuGetPackageId", "System.Collections.Immutable"), ("NuGetPackageVersion", "10.0.0")),
            Item(MicrosoftAssembly<System.Text.Json.JsonDocument>()),
            Item("/root/.nuget/packages/npgsql.entityframeworkcore.postgresql/10.0.0/lib/net10.0/Npgsql.EntityFrameworkCore.PostgreSQL.dll",
                ("NuGetPackageId", "Npgsql.EntityFrameworkCore.PostgreSQL"), ("NuGetPackageVersion", "10.0.0")),
            Item("/root/.nuget/packages/microsoftish/1.0.0/lib/net10.0/Microsoftish.dll", ("NuGetPackageId", "Microsoftish"), ("NuGetPackageVersion", "1.0.0")),
        ]);

        Assert.Equal(["Microsoft.AspNetCore.App"], web.Dotnet);
        Assert.Empty(web.Packages);
        Assert.Equal(
            [
                new PackageEntry("Microsoft.EntityFrameworkCore", "10.0.0"),
                new PackageEntry("Microsoft.Extensions.Logging", "10.0.0"),
                new PackageEntry("System.Collections.Immutable", "10.0.0"),
                new PackageEntry("System.Text.Json", ""),
            ],
            plain.DotnetPackages);
        Assert.Equal([new PackageEntry("Microsoftish", "1.0.0"), new PackageEntry("Npgsql.EntityFrameworkCore.PostgreSQL", "10.0.0")], plain.Packages);
    }

    [Fact]
    public void A_package_or_assembly_named_System_or_Microsoft_is_dotnet_only_when_Microsoft_signed_its_assembly()
    {
        // Packages that had the prefix before nuget.org reserved it: unsigned, or signed with their owner's key (here Npgsql's).
        var abstractions = UnsignedAssembly(_root, "System.IO.Abstractions");
        var sqlite = Path.Combine(_root, "System.Data.SQLite.dll");
        File.Copy(typeof(Npgsql.NpgsqlConnection).Assembly.Location, sqlite);
        var groups = ReferenceGrouper.Group(
        [
            Item(abstractions, ("NuGetPackageId", "System.IO.Abstractions"), ("NuGetPackageVersion", "22.0.0")),
            Item(sqlite, ("NuGetPackageId", "System.Data.SQLite"), ("NuGetPackageVersion", "2.0.0")),
            Item(UnsignedAssembly(_root, "System.Legacy")),
            Item(MicrosoftAssembly<System.Collections.Immutable.ImmutableArray<int>>()),
        ]);

        Assert.Equal(
            [
                new PackageEntry("System.Data.SQLite", "2.0.0"),
                new PackageEntry("System.IO.Abstractions", "22.0.0"),
                new PackageEntry("System.Legacy", ""),
            ],
            groups.Packages);
        Assert.Equal([new PackageEntry("System.Collections.Immutable", "")], groups.DotnetPackages);
    }

    [Fact]
    public void A_package_with_one_Microsoft_signed_assembly_is_dotnet_once_whatever_the_order_of_its_references()
    {
        var unsigned = UnsignedAssembly(_root, "Microsoft.Foo.Native");
        var signed = MicrosoftAssembly<System.Collections.Immutable.ImmutableArray<int>>();
        foreach (var paths in new[] { new[] { signed, unsigned }, new[] { unsigned, signed } })
        {
            var groups = ReferenceGrouper.Group(
            [
                Item(paths[0], ("NuGetPackageId", "Microsoft.Foo"), ("NuGetPackageVersion", "1.0.0")),
                Item(paths[1], ("NuGetPackageId", "Microsoft.Foo"), ("NuGetPackageVersion", "1.0.0")),
            ]);

            Assert.Equal([new PackageEntry("Microsoft.Foo", "1.0.0")], groups.DotnetPackages);
            Assert.Empty(groups.Packages);
        }
    }

    [Fact]
    public void An_assembly_that_cannot_be_read_falls_back_to_the_prefix()
    {
        // Missing (or locked) at build time: the same package must not move between groups from one build to the next.
        var groups = ReferenceGrouper.Group(
        [
            Item(Path.Combine(_root, "missing", "Microsoft.Missing.dll"), ("NuGetPackageId", "Microsoft.Missing"), ("NuGetPackageVersion", "1.0.0")),
            Item(Path.Combine(_root, "missing", "Vendor.Missing.dll"), ("NuGetPackageId", "Vendor.Missing"), ("NuGetPackageVersion", "2.0.0")),
            // One assembly readable and unsigned, the other missing: the readable one decides.
            Item(UnsignedAssembly(_root, "System.Half")),
            Item(Path.Combine(_root, "missing", "System.Half.dll")),
        ]);

        Assert.Equal([new PackageEntry("Microsoft.Missing", "1.0.0")], groups.DotnetPackages);
        Assert.Equal([new PackageEntry("System.Half", ""), new PackageEntry("Vendor.Missing", "2.0.0")], groups.Packages);
    }

    [Theory]
    [InlineData("3f5743946376f042")] // Microsoft.OpenApi
    [InlineData("23ec7fc2d6eaa4a5")] // Microsoft.Data.SqlClient, Microsoft.SqlServer.Server
    [InlineData("0a613f4dd989e8ae")] // Microsoft.Identity.Client
    public void The_keys_of_Microsofts_other_packages_count_as_Microsofts(string token)
        // No assembly signed with these keys is in the test's NuGet cache, so the token itself is checked.
        => Assert.True(ReferenceGrouper.IsMicrosoftToken(token));

    [Fact]
    public void In_the_ServerTools_repository_the_projects_of_its_packages_count_as_ServerTools()
    {
        var groups = ReferenceGrouper.Group(
        [
            Item("/repo/artifacts/obj/ServerTools.Runtime/debug/ref/ServerTools.dll", ("ReferenceSourceTarget", "ProjectReference")),
            Item("/repo/artifacts/obj/ServerTools.AspNetCore/debug/ref/ServerTools.AspNetCore.dll", ("ReferenceSourceTarget", "ProjectReference")),
            Item("/repo/artifacts/obj/ServerTools.Testing/debug/ref/ServerTools.Testing.dll", ("ReferenceSourceTarget", "ProjectReference")),
            Item("/repo/artifacts/obj/ServerTools.Tests/debug/ref/ServerTools.Tests.dll", ("ReferenceSourceTarget", "ProjectReference")),
        ]);

        Assert.Equal(["ServerTools", "ServerTools.AspNetCore", "ServerTools.Testing"], groups.ServerTools);
        Assert.Equal(["ServerTools.Tests"], groups.Projects);
    }

    [Fact]
    public void Every_ServerTools_package_is_ServerTools_and_a_package_that_only_starts_with_the_name_is_not()
    {
        var groups = ReferenceGrouper.Group(
        [
            Item("/root/.nuget/packages/servertools/0.1.0/lib/net10.0/ServerTools.dll", ("NuGetPackageId", "ServerTools"), ("NuGetPackageVersion", "0.1.0")),
            Item("/root/.nuget/packages/servertools.aspnetcore/0.1.0/lib/net10.0/ServerTools.AspNetCore.dll",
                ("NuGetPackageId", "ServerTools.AspNetCore"), ("NuGetPackageVersion", "0.1.0")),
            Item("/root/.nuget/packages/servertools.testing/0.1.0/lib/net10.0/ServerTools.Testing.dll",
                ("NuGetPackageId", "servertools.testing"), ("NuGetPackageVersion", "0.1.0")),
            Item("/root/.nuget/packages/servertools.tool/0.1.0/tools/net10.0/any/ServerTools.Tool.dll",
                ("NuGetPackageId", "ServerTools.Tool"), ("NuGetPackageVersion", "0.1.0")),
            Item("/root/.nuget/packages/servertools.contrib/2.0.0/lib/net10.0/ServerTools.Contrib.dll",
                ("NuGetPackageId", "ServerTools.Contrib"), ("NuGetPackageVersion", "2.0.0")),
        ]);

        Assert.Equal(["ServerTools", "ServerTools.AspNetCore", "ServerTools.Testing", "ServerTools.Tool"], groups.ServerTools);
        Assert.Equal([new PackageEntry("ServerTools.Contrib", "2.0.0")], groups.Packages);
    }
}
