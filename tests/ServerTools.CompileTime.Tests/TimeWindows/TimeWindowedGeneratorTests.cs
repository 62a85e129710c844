using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.TimeWindows;

namespace ServerTools.CompileTime.Tests.TimeWindows;

public sealed class TimeWindowedGeneratorTests
{
    private const string Store = """
        using ServerTools;

        namespace Shop;

        [TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
        public partial class Store
        {
            public int Id { get; set; }
            public string TimeZoneId { get; set; } = "UTC";

            public string Describe() => Id + " " + TimeZoneId;
        }
        """;

    private const string MarkedStore = """
        using ServerTools;
        namespace Shop;
        $OUTER$ public partial class Sales
        {
            $ENTITY$ [TimeWindowed(TimeZoneProperty = nameof(Zone))]
            public partial class Store
            {
                public int Id { get; set; }
                $PROPERTY$ public string Zone { $GET$ get; set; } = "UTC";
            }
        }
        """;

    public static TheoryData<string, string> MarkedStoreCases => ObsoleteMarks.Cases("OUTER", "ENTITY", "PROPERTY", "GET");

    [Theory]
    [MemberData(nameof(MarkedStoreCases))]
    public void Obsolete_or_experimental_class_or_zone_property_adds_no_diagnostic_to_the_members_or_the_query(string place, string mark)
        => Assert.Contains(
            "WhereOpenAt",
            GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedStore, place, mark)).GeneratedTreesCompileWithoutDiagnostics().GeneratedSources.Single().Text,
            StringComparison.Ordinal);

    [Theory]
    [InlineData("OUTER")]
    [InlineData("ENTITY")]
    [InlineData("PROPERTY")]
    [InlineData("GET")]
    public void Class_or_zone_property_obsolete_as_an_error_adds_no_error_to_the_members_or_the_query(string place)
        => GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedStore, place, ObsoleteMarks.Error)).GeneratedTreesCompileWithoutDiagnostics();

    [Fact]
    public void Zone_from_a_property_is_read_per_row_by_the_members_and_the_query()
        => GeneratorHarness.Run(Store).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Constant_zone_of_an_internal_class_is_written_as_a_literal_with_internal_extensions()
        => GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            [TimeWindowed(TimeZone = "Europe/Paris")]
            internal partial class Depot { public int Id { get; set; } }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Class_without_a_zone_is_read_in_utc()
        => GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            [TimeWindowed]
            public partial class Kiosk { public int Id { get; set; } }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Nested_class_reopens_its_containing_types_and_gets_extensions_at_namespace_level()
        => GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public abstract class Located { public string? @event { get; set; } }
            public partial class Mall
            {
                internal partial struct Floor
                {
                    [TimeWindowed(TimeZoneProperty = nameof(@event))]
                    public partial class Counter : Located { public int Id { get; set; } }
                }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Class_in_the_global_namespace_gets_code_without_a_namespace()
        => GeneratorHarness.Run("""
            [ServerTools.TimeWindowed(TimeZone = "Asia/Tokyo")]
            public partial class Booth { public int Id { get; set; } }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Zone_with_a_quote_and_a_backslash_is_escaped()
        => GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            [TimeWindowed(TimeZone = "Odd\"Zone\\Name")]
            public partial class Stall { public int Id { get; set; } }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Record_gets_the_members_and_keeps_its_cached_schedule_out_of_its_value_equality()
        => GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            [TimeWindowed(TimeZone = "Europe/Paris")]
            public sealed partial record Store(int Id, string Name);
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Records_equal_but_for_a_compiled_schedule_stay_equal_with_the_same_hash_code()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad("""
            using ServerTools;
            namespace Shop;
            [TimeWindowed]
            public partial record Store
            {
                public int Id { get; set; }
                public Store Copy() => this with { };
            }
            """);
        var storeType = assembly.GetType("Shop.Store", throwOnError: true)!;
        var store = (ITimeWindowed)Activator.CreateInstance(storeType)!;
        store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        var copy = Call(storeType.GetMethod("Copy")!, store)!;
        var hashCode = store.GetHashCode();

        Assert.True((bool)Call(storeType.GetMethod("IsOpenAt")!, store, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero))!);

        Assert.Equal(copy, store);
        Assert.Equal(hashCode, store.GetHashCode());
    }

    [Theory]
    [InlineData("[TimeWindowed] public class Store { }")]
    [InlineData("[TimeWindowed] public record Store { }")]
    [InlineData("[TimeWindowed] file partial class Store { }")]
    [InlineData("public class Mall { [TimeWindowed] public partial class Store { } }")]
    [InlineData("public partial class Mall { [TimeWindowed] private partial class Store { } }")]
    [InlineData("[TimeWindowed] public partial class Store<T> { }")]
    [InlineData("[TimeWindowed] public static partial class Store { }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = \"Zone\")] public partial class Store { }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = nameof(Offset))] public partial class Store { public int Offset { get; set; } }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = nameof(Zone))] public partial class Store { private string Zone { get; set; } = \"\"; }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = nameof(Zone))] public partial class Store { public static string Zone { get; set; } = \"\"; }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = nameof(Zone))] public partial class Store { public string Zone => \"UTC\"; }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = nameof(Zone))] public partial class Store { [System.ComponentModel.DataAnnotations.Schema.NotMapped] public string Zone { get; set; } = \"\"; }")]
    [InlineData("[TimeWindowed(TimeZoneProperty = nameof(Zone))] public partial class Store { public string Zone() => \"UTC\"; }")]
    [InlineData("[TimeWindowed(TimeZone = \"UTC\", TimeZoneProperty = nameof(Zone))] public partial class Store { public string Zone { get; set; } = \"\"; }")]
    public void Class_the_generator_cannot_extend_or_whose_zone_is_invalid_gets_no_code(string declaration)
        => Assert.Empty(GeneratorHarness.Run("using ServerTools;\nnamespace Shop;\n" + declaration).GeneratedSources);

    [Fact]
    public void Class_derived_from_a_time_windowed_class_gets_no_code_and_keeps_the_base_class_members()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Linq;
            using ServerTools;
            namespace Shop;
            [TimeWindowed(TimeZone = "Europe/Paris")]
            public partial class Store { public int Id { get; set; } }
            [TimeWindowed(TimeZone = "Europe/Lisbon")]
            public partial class Kiosk : Store { }
            public static class Use
            {
                public static IQueryable<Store> Open(IQueryable<Kiosk> kiosks, Kiosk kiosk, DateTimeOffset now)
                    => kiosk.IsOpenAt(now) && kiosk.TimeWindows.Count > 0 ? kiosks.WhereOpenAt(now) : kiosks;
            }
            """).CompilesWithoutDiagnostics();

        Assert.Equal(["Shop.Store.TimeWindows.g.cs"], run.GeneratedSources.Select(static source => source.HintName));
    }

    [Fact]
    public void WhereOpenAt_keeps_the_type_of_a_derived_class_and_takes_a_sealed_class_itself()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Linq;
            using ServerTools;
            namespace Shop;
            [TimeWindowed(TimeZoneProperty = nameof(Zone))]
            public partial class Store { public int Id { get; set; } public string Zone { get; set; } = "UTC"; }
            public class Kiosk : Store { }
            [TimeWindowed]
            public sealed partial class Booth { public int Id { get; set; } }
            public static class Use
            {
                public static IQueryable<Kiosk> OpenKiosks(IQueryable<Kiosk> kiosks, DateTimeOffset now) => kiosks.WhereOpenAt(now);
                public static IQueryable<Store> OpenStores(IQueryable<Store> stores, DateTimeOffset now) => stores.OrderBy(s => s.Id).WhereOpenAt(now);
                public static IQueryable<Booth> OpenBooths(IQueryable<Booth> booths, DateTimeOffset now) => booths.WhereOpenAt(now);
            }
            """).CompilesWithoutDiagnostics();

        var store = run.GeneratedSources.Single(static source => source.HintName == "Shop.Store.TimeWindows.g.cs").Text;
        var booth = run.GeneratedSources.Single(static source => source.HintName == "Shop.Booth.TimeWindows.g.cs").Text;
        Assert.Contains("WhereOpenAt<TEntity>(this global::System.Linq.IQueryable<TEntity> source", store, StringComparison.Ordinal);
        Assert.Contains("where TEntity : global::Shop.Store", store, StringComparison.Ordinal);
        Assert.Contains("WhereOpenAt(this global::System.Linq.IQueryable<global::Shop.Booth> source", booth, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_members_and_WhereOpenAt_answer_from_the_schedule()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad("""
            using ServerTools;
            namespace Shop;
            [TimeWindowed]
            public partial class Store { public int Id { get; set; } }
            """);
        var storeType = assembly.GetType("Shop.Store", throwOnError: true)!;
        var store = (ITimeWindowed)Activator.CreateInstance(storeType)!;
        store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        var mondayAtTen = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var mondayAtSix = new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

        Assert.True((bool)Call(storeType.GetMethod("IsOpenAt")!, store, mondayAtTen)!);
        Assert.False((bool)Call(storeType.GetMethod("IsOpenAt")!, store, mondayAtSix)!);

        var stores = Array.CreateInstance(storeType, 1);
        stores.SetValue(store, 0);
        var source = typeof(Queryable).GetMethods().Single(static m => m.Name == nameof(Queryable.AsQueryable) && m.IsGenericMethod)
            .MakeGenericMethod(storeType).Invoke(null, [stores]);
        var whereOpenAt = assembly.GetType("Shop.StoreTimeWindowExtensions", throwOnError: true)!.GetMethod("WhereOpenAt")!.MakeGenericMethod(storeType);
        List<object> OpenAt(DateTimeOffset instant) => ((IEnumerable)Call(whereOpenAt, null, source, instant)!).Cast<object>().ToList();

        Assert.Same(store, Assert.Single(OpenAt(mondayAtTen)));
        Assert.Empty(OpenAt(mondayAtSix));
    }

    /// <summary>Invokes a generated method; an exception it throws propagates as is, not wrapped.</summary>
    private static object? Call(MethodInfo method, object? target, params object?[] arguments)
        => method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.AddFile("namespace Shop; public class Invoice { public int Id { get; set; } }"), [Store]);

    [Fact]
    public void Editing_a_method_body_of_the_time_windowed_class_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.Replace("Id + \" \" + TimeZoneId", "TimeZoneId + Id"), [Store]);

    [Fact]
    public void Changing_the_attribute_regenerates_the_code()
    {
        var compilation = TestCompilation.Create(Store);
        var driver = GeneratorHarness.CreateDriver(new TimeWindowedGenerator()).RunGenerators(compilation);
        var edited = Edits.Replace("TimeZoneProperty = nameof(TimeZoneId)", "TimeZone = \"Europe/Paris\"")(compilation);

        var result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        Assert.Equal(
            [IncrementalStepRunReason.Modified],
            result.TrackedSteps[TimeWindowedGenerator.Steps.Entities].SelectMany(static step => step.Outputs).Select(static output => output.Reason));
        var text = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("IsOpen(entity, \"Europe/Paris\", clockReadings)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("entity.TimeZoneId", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var result = Assert.Single(GeneratorHarness.Run(TestCompilation.Create(Store), new TimeWindowedGenerator()).Result.Results);
        var model = Assert.Single(result.TrackedSteps[TimeWindowedGenerator.Steps.Entities].SelectMany(static step => step.Outputs)).Value;

        PipelineModels.AssertOnlyValues(model);
    }
}
