#!/usr/bin/env bash
# The compile-time cost of the ServerTools analyzers and generators on a project of 500 entities that use every
# feature. Writes the project into $OUT (default /tmp/st-compilecost, outside the repository), builds it once in
# Release to warm up (this also builds the runtime, generators and analyzers it references, in Release), then
# recompiles it $RUNS times (default 5) with -p:ReportAnalyzer=true and prints a Markdown table: the Csc task's time,
# the time csc reports for all analyzers and generators and for the ServerTools ones, their shares of the Csc task,
# the median ServerTools share, and the median ServerTools time and Csc task. See docs/benchmarks.md, "Compile time:
# analyzers and generators on 500 entities".
#
# COMPILER sets how csc runs, whatever the environment says (this machine's sets UseSharedCompilation=false):
#   cold    (default) a new csc process per compile (-p:UseSharedCompilation=false): the compiler and every analyzer
#           and generator start cold, as in CI; the first one to ask for a symbol also pays the compiler's start-up.
#   server  the compiler server (-p:UseSharedCompilation=true), the SDK's default on a developer's machine: the
#           warm-up build starts it, the measured recompiles reuse it; it is shut down when the script ends.
#
#   benchmarks/CompileCost/run.sh                      # generate, warm up, 5 measured recompiles in fresh csc processes
#   COMPILER=server RUNS=7 OUT=/tmp/cc benchmarks/CompileCost/run.sh
#   GENERATE_ONLY=1 benchmarks/CompileCost/run.sh      # only write the project
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-/tmp/st-compilecost}"
RUNS="${RUNS:-5}"
COMPILER="${COMPILER:-cold}"
PROJECT="$OUT/CompileCost.csproj"

fail() { echo "run.sh: $*" >&2; exit 1; }
[[ "$OUT" == "$ROOT"* ]] && fail "OUT ($OUT) must be outside the repository: the repository's Directory.Build.props would apply."
command -v dotnet >/dev/null || fail "dotnet is not on PATH."
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || fail "RUNS ($RUNS) must be a positive whole number."
case "$COMPILER" in
    cold) SHARED_COMPILATION=false ;;
    server) SHARED_COMPILATION=true ;;
    *) fail "COMPILER ($COMPILER) must be cold or server." ;;
esac

# The package version the repository uses, so the generated project cannot drift from it.
EF_VERSION="$(sed -n 's/.*Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="\([^"]*\)".*/\1/p' "$ROOT/Directory.Packages.props")"
[[ -n "$EF_VERSION" ]] || fail "no Npgsql.EntityFrameworkCore.PostgreSQL version in Directory.Packages.props."

MODULES=(Sales Purchase Stock Accounting Projects Maintenance Fleet Hr Crm Quality)
NOUNS=(Order Quote Invoice Payment Refund Contract Lead Visit Ticket Shipment
       Parcel Carrier Route Vehicle Driver Warehouse Location Bin Lot Serial
       Asset Part Meter Inspection Defect Claim Budget Ledger Journal Voucher
       Employee Shift Leave Expense Course Skill Project Assignment Milestone Timesheet
       Campaign Segment Survey Answer Subscription Plan Coupon Reward Batch Recall)

# ---------------------------------------------------------------------------------------------------------------------
# Project generation. Entity i (0..499) is NOUNS[i % 50] in module MODULES[i / 50]; its features follow from i, so
# every run writes the same project:
#   [Audited]           i % 5 < 3 (300), Mode = Full when i % 10 == 0; [AuditMask] Iban, [AuditIgnore] UpdatedAt
#   [Tracked]           on the class when i % 4 == 0 (125, hooks for Status and Amount, a change handler each),
#                       on Status and Amount when i % 4 == 1 (125, a hook for Status)
#   [FuzzySearchable]   Name and Email on the class when i % 3 == 0 (167), plus Notes (word similarity) on the property
#                       when i % 6 == 0; only Notes on the property when i % 6 == 1 (83)
#   [TimeWindowed]      TimeZoneProperty when i % 10 == 2, TimeZone = "Europe/Berlin" when i % 10 == 7 (100)
#   base types          DocumentBase when i % 3 == 1, IHasCode when i % 4 == 2, I{Module}Document when i % 7 == 0
#   [ExceptionRule]     a blocking amount rule when i % 2 == 0 (250), a warning rule with a DI dependency when i % 6 == 0
#                       (84), one rule on DocumentBase, one on IHasCode, one per module on I{Module}Document (12)
# ---------------------------------------------------------------------------------------------------------------------

write_common() {
    mkdir -p "$OUT/Common"
    cat > "$OUT/Common/Common.cs" <<'EOF'
using System;

namespace CompileCost.Common;

/// <summary>Where a record is in its life.</summary>
public enum Lifecycle
{
    /// <summary>Being prepared.</summary>
    Draft,

    /// <summary>In use.</summary>
    Active,

    /// <summary>Finished.</summary>
    Closed,

    /// <summary>Called off.</summary>
    Cancelled,
}

/// <summary>A record with a business code.</summary>
public interface IHasCode
{
    /// <summary>The code people quote.</summary>
    string Code { get; }
}

/// <summary>The fields every business document shares.</summary>
public abstract class DocumentBase
{
    /// <summary>The customer's or supplier's reference.</summary>
    public string? Reference { get; set; }

    /// <summary>The discount granted, as a fraction.</summary>
    public decimal Discount { get; set; }

    /// <summary>Whether the discount needs approval.</summary>
    public bool NeedsApproval() => Discount > 0.25m;
}

/// <summary>The amount a record may reach before someone has to look at it.</summary>
public interface ILimitPolicy
{
    /// <summary>The limit for <paramref name="code"/>.</summary>
    decimal LimitFor(string code);
}

/// <summary>A fixed limit.</summary>
public sealed class FixedLimitPolicy : ILimitPolicy
{
    /// <inheritdoc />
    public decimal LimitFor(string code) => string.IsNullOrEmpty(code) ? 0m : 5_000m;
}
EOF
    cat > "$OUT/Common/CommonRules.cs" <<'EOF'
using System;
using ServerTools;

namespace CompileCost.Common;

/// <summary>A discount above 40% is refused on every document.</summary>
[ExceptionRule("common.discount_limit", Severity = RuleSeverity.Blocking, Sequence = 5,
    Message = "A discount above 40% is not allowed", RuleSets = ["confirm"])]
public sealed class DiscountLimitRule : IExceptionRule<DocumentBase>
{
    /// <inheritdoc />
    public bool Applies(DocumentBase entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Discount > 0.40m;
    }
}

/// <summary>A record without a code is reported.</summary>
[ExceptionRule("common.code_missing", Severity = RuleSeverity.Warning, Sequence = 1, Tags = ["data-quality"])]
public sealed class CodeMissingRule : IExceptionRule<IHasCode>
{
    /// <inheritdoc />
    public bool Applies(IHasCode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return string.IsNullOrWhiteSpace(entity.Code);
    }
}
EOF
}

write_module_common() {
    local module="$1" dir="$OUT/Modules/$1"
    mkdir -p "$dir/Rules"
    cat > "$dir/${module}Document.cs" <<EOF
using System;
using ServerTools;

namespace CompileCost.$module;

/// <summary>A document of the $module module that a person approves.</summary>
public interface I${module}Document
{
    /// <summary>The amount that needs approval.</summary>
    decimal Amount { get; }

    /// <summary>When it was created.</summary>
    DateTimeOffset CreatedAt { get; }
}

/// <summary>A $module document older than a year with an amount is reported.</summary>
[ExceptionRule("${module,,}.stale_document", Severity = RuleSeverity.Warning, Sequence = 50, RuleSets = ["review"])]
public sealed class Stale${module}DocumentRule(TimeProvider? clock = null) : IExceptionRule<I${module}Document>
{
    /// <inheritdoc />
    public bool Applies(I${module}Document entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        return entity.Amount > 0m && entity.CreatedAt < now.AddYears(-1);
    }
}
EOF
}

# write_entity i
write_entity() {
    local i=$1
    local module=${MODULES[$((i / 50))]} n=$((i % 50))
    local noun=${NOUNS[$n]}
    local dir="$OUT/Modules/$module"
    local attributes="" bases=() members="" hooks="" usings=""
    local audited=$((i % 5 < 3)) tracked_class=$((i % 4 == 0)) tracked_props=$((i % 4 == 1))

    if ((audited)); then
        if ((i % 10 == 0)); then attributes+=$'\n[Audited(Mode = AuditMode.Full)]'; else attributes+=$'\n[Audited]'; fi
    fi
    ((tracked_class)) && attributes+=$'\n[Tracked(Operations = TrackedOperations.Update | TrackedOperations.Create)]'
    ((i % 3 == 0)) && attributes+=$'\n[FuzzySearchable(nameof(Name), nameof(Email))]'
    ((i % 10 == 2)) && attributes+=$'\n[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]'
    ((i % 10 == 7)) && attributes+=$'\n[TimeWindowed(TimeZone = "Europe/Berlin")]'

    ((i % 3 == 1)) && bases+=("DocumentBase")
    ((i % 4 == 2)) && bases+=("IHasCode")
    ((i % 7 == 0)) && bases+=("I${module}Document")
    local base_list=""
    if ((${#bases[@]})); then base_list=" : $(IFS=,; echo "${bases[*]}" | sed 's/,/, /g')"; fi

    local tracked_attr="" mask_attr="" ignore_attr="" notes_attr=""
    ((tracked_props)) && tracked_attr=$'\n    [Tracked]'
    ((audited)) && mask_attr=$'\n    [AuditMask]' && ignore_attr=$'\n    [AuditIgnore]'
    ((i % 6 == 0 || i % 6 == 1)) && notes_attr=$'\n    [FuzzySearchable(Mode = TrigramMatch.WordSimilarity, Weight = 0.5)]'

    if ((i % 10 == 2)); then
        members+=$'\n\n    /// <summary>The IANA id of the time zone its hours are read in.</summary>\n    public string TimeZoneId { get; set; } = "UTC";'
    fi
    if ((n > 0)); then
        local prev=${NOUNS[$((n - 1))]}
        members+=$'\n\n'"    /// <summary>The key of the related $prev.</summary>
    public int? ${prev}Id { get; set; }

    /// <summary>The related $prev.</summary>
    public $prev? $prev { get; set; }"
    fi
    if ((tracked_class || tracked_props)); then
        hooks+=$'\n\n'"    partial void OnStatusChanged(Lifecycle oldValue, Lifecycle newValue)
    {
        if (newValue == Lifecycle.Closed && oldValue != Lifecycle.Closed)
        {
            ClosedCount++;
        }
    }"
    fi
    if ((tracked_class)); then
        hooks+=$'\n\n'"    partial void OnAmountChanged(decimal oldValue, decimal newValue)
        => Priority = newValue > oldValue * 2m ? Priority + 1 : Priority;"
    fi
    local closed_count=""
    if ((tracked_class || tracked_props)); then
        closed_count=$'\n\n    /// <summary>How often it was closed since it was loaded.</summary>\n    [System.ComponentModel.DataAnnotations.Schema.NotMapped]\n    public int ClosedCount { get; private set; }'
    fi

    cat > "$dir/$noun.cs" <<EOF
using System;
using System.Globalization;
using CompileCost.Common;
using ServerTools;

namespace CompileCost.$module;

/// <summary>A $noun of the $module module (entity $i of the compile-cost project).</summary>$attributes
public partial class $noun$base_list
{
    /// <summary>The database key.</summary>
    public int Id { get; set; }

    /// <summary>The code people quote, such as <c>$module-$i</c>.</summary>
    public string Code { get; set; } = "";

    /// <summary>The name shown in lists.</summary>
    public required string Name { get; set; }

    /// <summary>Where messages about it are sent.</summary>
    public string? Email { get; set; }

    /// <summary>Where it is in its life.</summary>$tracked_attr
    public Lifecycle Status { get; set; }

    /// <summary>Its amount, in euros.</summary>$tracked_attr
    public decimal Amount { get; set; }

    /// <summary>How many units.</summary>
    public decimal Quantity { get; set; }

    /// <summary>Higher first.</summary>
    public int Priority { get; set; }

    /// <summary>Whether it is in use.</summary>
    public bool IsActive { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last changed.</summary>$ignore_attr
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The bank account payments go to.</summary>$mask_attr
    public string? Iban { get; set; }

    /// <summary>The last day it is valid.</summary>
    public DateOnly? ValidUntil { get; set; }

    /// <summary>Its id in the system it came from.</summary>
    public Guid ExternalId { get; set; }

    /// <summary>Free text.</summary>$notes_attr
    public string? Notes { get; set; }$members$closed_count

    /// <summary>Puts a draft in use.</summary>
    /// <param name="at">When.</param>
    /// <exception cref="InvalidOperationException">It is not a draft.</exception>
    public void Activate(DateTimeOffset at)
    {
        if (Status != Lifecycle.Draft)
        {
            throw new InvalidOperationException(\$"Cannot activate $noun {Code}: it is {Status}.");
        }

        Status = Lifecycle.Active;
        IsActive = true;
        UpdatedAt = at;
    }

    /// <summary>Closes it.</summary>
    /// <param name="at">When.</param>
    public void Close(DateTimeOffset at)
    {
        Status = Lifecycle.Closed;
        IsActive = false;
        UpdatedAt = at;
    }

    /// <summary>Amount times quantity, rounded to the cent.</summary>
    public decimal Total() => Math.Round(Amount * Quantity, 2, MidpointRounding.AwayFromZero);

    /// <summary>A line for lists and logs.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, \$"{Code} {Name} ({Status}, {Total():0.00} EUR)");$hooks
}
EOF

    if ((i % 2 == 0)); then
        cat > "$dir/Rules/${noun}AmountLimitRule.cs" <<EOF
using System;
using ServerTools;

namespace CompileCost.$module.Rules;

/// <summary>A $noun above EUR 10,000 is blocked.</summary>
[ExceptionRule("${module,,}.${noun,,}.amount_limit", Severity = RuleSeverity.Blocking, Sequence = 10,
    Name = "$noun amount limit", Message = "The amount is above EUR 10,000: ask for approval", RuleSets = ["confirm"])]
public sealed class ${noun}AmountLimitRule : IExceptionRule<$noun>
{
    /// <inheritdoc />
    public bool Applies($noun entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Amount > 10_000m;
    }
}
EOF
    fi
    if ((i % 6 == 0)); then
        cat > "$dir/Rules/${noun}PolicyLimitRule.cs" <<EOF
using System;
using CompileCost.Common;
using ServerTools;

namespace CompileCost.$module.Rules;

/// <summary>A $noun whose total is above the policy's limit gets a warning.</summary>
[ExceptionRule("${module,,}.${noun,,}.policy_limit", Severity = RuleSeverity.Warning, Sequence = 20,
    Message = "The total is above the limit of the policy", RuleSets = ["confirm", "review"])]
public sealed class ${noun}PolicyLimitRule(ILimitPolicy policy) : IExceptionRule<$noun>
{
    /// <inheritdoc />
    public bool Applies($noun entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Total() > policy.LimitFor(entity.Code);
    }
}
EOF
    fi
}

# write_module_services module: the change handlers of its class-tracked entities, and a few queries that use the
# generated FuzzySearch and WhereOpenAt.
write_module_services() {
    local m=$1 module=${MODULES[$1]} dir="$OUT/Modules/${MODULES[$1]}"
    local handlers="" queries="" i noun
    for ((i = m * 50; i < m * 50 + 50; i++)); do
        noun=${NOUNS[$((i % 50))]}
        if ((i % 4 == 0)); then
            handlers+="
/// <summary>Counts the committed changes of ${noun}s.</summary>
public sealed class ${noun}ChangeHandler(ChangeCounter counter) : ITrackedChangeHandler<$noun>
{
    /// <inheritdoc />
    public Task HandleAsync(TrackedChange<$noun> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        counter.Add(change.EntityType);
        return Task.CompletedTask;
    }
}
"
        fi
        if ((i % 3 == 0)); then
            queries+="
    /// <summary>The ten ${noun}s whose name or e-mail is nearest to <paramref name=\"term\"/>.</summary>
    public static Task<List<$noun>> Find${noun}sAsync(CompileCostDbContext db, string term, CancellationToken cancellationToken)
        => db.${module}${noun}s.AsNoTracking().FuzzySearch(term).Take(10).ToListAsync(cancellationToken);
"
        fi
        if ((i % 10 == 2 || i % 10 == 7)); then
            queries+="
    /// <summary>The ${noun}s open at <paramref name=\"at\"/>.</summary>
    public static Task<List<$noun>> Open${noun}sAsync(CompileCostDbContext db, DateTimeOffset at, CancellationToken cancellationToken)
        => db.${module}${noun}s.AsNoTracking().WhereOpenAt(at).OrderBy(static e => e.Name).ToListAsync(cancellationToken);
"
        fi
    done
    cat > "$dir/${module}Services.cs" <<EOF
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CompileCost.Data;
using Microsoft.EntityFrameworkCore;
using ServerTools;

namespace CompileCost.$module;

/// <summary>Counts changes by entity type.</summary>
public sealed class ChangeCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one change of <paramref name="entityType"/>.</summary>
    public void Add(string entityType) => _counts.AddOrUpdate(entityType, 1, static (_, count) => count + 1);

    /// <summary>The changes counted for <paramref name="entityType"/>.</summary>
    public int Of(string entityType) => _counts.TryGetValue(entityType, out var count) ? count : 0;
}
$handlers
/// <summary>Queries of the $module module.</summary>
public static class ${module}Queries
{$queries}
EOF
}

write_context() {
    mkdir -p "$OUT/Data"
    local sets="" config="" m i module noun
    for ((i = 0; i < 500; i++)); do
        module=${MODULES[$((i / 50))]}
        noun=${NOUNS[$((i % 50))]}
        sets+="
    /// <summary>The ${noun}s of the $module module.</summary>
    public DbSet<$module.$noun> ${module}${noun}s => Set<$module.$noun>();
"
    done
    for ((m = 0; m < 10; m++)); do
        module=${MODULES[$m]}
        config+="
    private static void Configure${module}(ModelBuilder modelBuilder)
    {"
        for ((i = m * 50; i < m * 50 + 50; i++)); do
            noun=${NOUNS[$((i % 50))]}
            config+="
        modelBuilder.Entity<$module.$noun>(entity =>
        {
            entity.ToTable(\"${module,,}_${noun,,}\");
            entity.Property(e => e.Name).HasMaxLength(200);
            entity.Property(e => e.Amount).HasPrecision(14, 2);
            entity.HasIndex(e => e.Code).IsUnique();
        });"
        done
        config+="
    }
"
    done
    cat > "$OUT/Data/CompileCostDbContext.cs" <<EOF
using System;
using Microsoft.EntityFrameworkCore;

namespace CompileCost.Data;

/// <summary>The database of the compile-cost project: 500 entities in 10 modules.</summary>
/// <param name="options">The options, with the PostgreSQL provider and ServerTools.</param>
public sealed partial class CompileCostDbContext(DbContextOptions<CompileCostDbContext> options) : DbContext(options)
{$sets}
EOF
    cat > "$OUT/Data/CompileCostDbContext.Model.cs" <<EOF
using System;
using Microsoft.EntityFrameworkCore;

namespace CompileCost.Data;

public sealed partial class CompileCostDbContext
{
    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
$(for module in "${MODULES[@]}"; do echo "        Configure${module}(modelBuilder);"; done)
    }
$config}
EOF
}

write_project() {
    rm -rf "$OUT"
    mkdir -p "$OUT"
    cp "$ROOT/nuget.config" "$OUT/nuget.config"
    cat > "$PROJECT" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <!-- Written by benchmarks/CompileCost/run.sh in $ROOT; do not edit. A user's library with the SDK's defaults. -->
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <RootNamespace>CompileCost</RootNamespace>
    <GenerateDocumentationFile>true</GenerateDocumentationFile>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="$EF_VERSION" />
  </ItemGroup>
  <ItemGroup>
    <ProjectReference Include="$ROOT/src/Runtime/ServerTools.Runtime/ServerTools.Runtime.csproj" />
    <ProjectReference Include="$ROOT/src/Generators/ServerTools.Generators/ServerTools.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <ProjectReference Include="$ROOT/src/Analyzers/ServerTools.Analyzers/ServerTools.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
EOF
    write_common
    local m i
    for ((m = 0; m < 10; m++)); do write_module_common "${MODULES[$m]}"; done
    for ((i = 0; i < 500; i++)); do write_entity "$i"; done
    for ((m = 0; m < 10; m++)); do write_module_services "$m"; done
    write_context
}

write_project
FILES=$(find "$OUT" -name '*.cs' | wc -l)
LINES=$(find "$OUT" -name '*.cs' -exec cat {} + | wc -l)
echo "Wrote $PROJECT: $FILES C# files, $LINES lines." >&2
[[ -n "${GENERATE_ONLY:-}" ]] && exit 0

# ---------------------------------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------------------------------

# build log args...: dotnet build of the generated project in Release; retries when another build holds a file.
build() {
    local log=$1; shift
    local attempt
    for attempt in 1 2 3 4 5; do
        if dotnet build "$PROJECT" -c Release -nologo -p:UseSharedCompilation="$SHARED_COMPILATION" "$@" > "$log" 2>&1; then
            return 0
        fi
        if grep -q "being used by another process" "$log"; then
            echo "run.sh: a file is locked by another build; retrying in 20 s ($attempt/5)" >&2
            sleep 20
            continue
        fi
        tail -n 40 "$log" >&2
        fail "the build failed; full log: $log"
    done
    fail "the build kept failing on locked files; full log: $log"
}

# The server outlives the build; stop it however the script ends, so no compiler process is left behind.
[[ "$COMPILER" == server ]] && trap 'dotnet build-server shutdown --vbcscompiler > /dev/null 2>&1 || true' EXIT

echo "Warm-up build (restores, builds the referenced ServerTools projects in Release)..." >&2
build "$OUT/warmup.log" -v:minimal

# seconds_of "<line prefix>" log: the seconds on the first line that starts (after spaces) with the prefix.
seconds_of() {
    local value
    value="$(grep -m1 -E "^\s*$1" "$2" | sed -E 's/.*: ([0-9.]+)( |$).*/\1/')" || true
    [[ -n "$value" ]] || fail "no '$1' line in $2"
    echo "$value"
}

# assembly_seconds section assembly log: the seconds csc reports for an assembly (its "Name, Version=..." row) in the
# analyzer or generator table of the detailed log; 0 when the assembly is not in that table.
assembly_seconds() {
    awk -v section="$1" -v assembly="$2" '
        index($0, "Total " section " execution time") { inside = 1; next }
        inside && /Total (analyzer|generator) execution time/ { inside = 0 }
        inside && index($0, assembly ", Version=") { print $1; found = 1; exit }
        END { if (!found) print 0 }' "$3"
}

# task_seconds task log: the Csc task's time from MSBuild's performance summary.
task_seconds() {
    local ms
    ms="$(awk '/Task Performance Summary:/ { inside = 1 } inside && $2 == "ms" && $3 == "'"$1"'" { print $1; exit }' "$2")"
    [[ -n "$ms" ]] || fail "no $1 task time in the performance summary of $2"
    awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }'
}

share() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

# diagnostics sarif: "ID xN" for each diagnostic id in the SARIF error log that matches the regex, most frequent first.
diagnostics() {
    { grep -oE '"ruleId": *"[A-Z]+[0-9]+"' "$2" || true; } | sed -E 's/.*"([A-Z]+[0-9]+)"/\1/' | { grep -E "$1" || true; } \
        | sort | uniq -c | sort -rn | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }'
}

rows=()
shares=()
st_totals=()
cscs=()
for ((run = 1; run <= RUNS; run++)); do
    touch "$OUT/Data/CompileCostDbContext.cs"
    log="$OUT/run$run.log"
    sarif="$OUT/run$run.sarif"
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "Measured recompile $run of $RUNS (load average $load)..." >&2
    build "$log" --no-restore -p:BuildProjectReferences=false -p:ReportAnalyzer=true -p:ErrorLog="$sarif%2Cversion=2.1" \
        -v:detailed -clp:PerformanceSummary

    grep -q 'Skipping target "CoreCompile"' "$log" && fail "run $run did not recompile (CoreCompile was skipped; see $log)"
    if [[ "$COMPILER" == server ]]; then
        grep -q 'CompilerServer: server - server processed compilation' "$log" \
            || fail "run $run was not compiled by the compiler server (see the CompilerServer line in $log)"
    else
        grep -q 'CompilerServer: tool - using command line tool by design' "$log" \
            || fail "run $run was not compiled by a fresh csc process (see the CompilerServer line in $log)"
    fi
    [[ -s "$sarif" ]] || fail "run $run wrote no error log ($sarif)"
    csc=$(task_seconds Csc "$log")
    analyzers=$(seconds_of "Total analyzer execution time" "$log")
    generators=$(seconds_of "Total generator execution time" "$log")
    st_analyzers=$(assembly_seconds analyzer ServerTools.Analyzers "$log")
    st_generators=$(assembly_seconds generator ServerTools.Generators "$log")
    grep -q 'ServerTools.Generators, Version=' "$log" || fail "ServerTools.Generators is not in the generator table of $log: did it run?"
    grep -q 'ServerTools.Analyzers, Version=' "$log" || fail "ServerTools.Analyzers is not in the analyzer table of $log: did it run?"
    st_total=$(awk -v a="$st_analyzers" -v b="$st_generators" 'BEGIN { printf "%.3f", a + b }')
    all_total=$(awk -v a="$analyzers" -v b="$generators" 'BEGIN { printf "%.3f", a + b }')
    st_found=$(diagnostics '^ST' "$sarif")
    others=$(diagnostics '^(CS|CA|IDE)' "$sarif")
    shares+=("$(awk -v a="$st_total" -v b="$csc" 'BEGIN { printf "%.4f", 100 * a / b }')")
    st_totals+=("$st_total")
    cscs+=("$csc")
    rows+=("| $run | $load | $csc s | $generators s | $analyzers s | $st_generators s | $st_analyzers s | $(share "$st_total" "$csc") | $(share "$all_total" "$csc") | ${st_found:-none} | ${others:-none} |")
done

# The analyzers of the ModuleAnalysis folder (issue 8) are in the same assembly: say whether this build had them.
module_analysis="not in this build"
grep -q 'ServerTools.Analyzers.ModuleAnalysis\.' "$OUT/run$RUNS.log" && module_analysis="included"

echo
echo "$FILES C# files, $LINES lines, 500 entities; $RUNS recompiles after a warm-up, COMPILER=$COMPILER; $(nproc) cores, .NET SDK $(dotnet --version);"
echo "ServerTools module analysis analyzer: $module_analysis. Logs and SARIF error logs: $OUT/run*.{log,sarif}"
echo
echo "| run | load at start | Csc task | all generators | all analyzers | ServerTools.Generators | ServerTools.Analyzers | ServerTools share | all analyzers and generators share | ServerTools diagnostics | CS/CA/IDE diagnostics |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
printf '%s\n' "${rows[@]}"
echo
# The median, not the mean: one recompile that a neighbour's burst of work slows down should not decide the result.
median_of() {  # median_of <printf format> <value>...: the median of the values, formatted
    local format="$1"
    shift
    printf '%s\n' "$@" | sort -g | awk -v f="$format" '{ v[NR] = $1 } END { printf f, NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median=$(median_of '%.1f%%' "${shares[@]}")
echo "Median ServerTools share over the $RUNS recompiles: $median (range $(printf '%s\n' "${shares[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f%% to %.1f%%", lo, hi }'))."
# The share moves with the compile's own time, which leaner generated code lowers; the absolute time does not.
echo "Median ServerTools time (analyzers and generators): $(median_of '%.3f s' "${st_totals[@]}"); median Csc task: $(median_of '%.1f s' "${cscs[@]}")."
echo
echo "Run $RUNS, as csc reports it: the totals, the largest assemblies, and every ServerTools analyzer and generator:"
echo '```'
awk '
    /Total (analyzer|generator) execution time/ { inside = 1; shown = 0; sub(/^ +/, ""); print; next }
    inside && /Version=/ { assembly = $0; if (shown++ < 3 || /ServerTools/) { sub(/^ +/, "  "); print } ; st = /ServerTools/; next }
    inside && st && /ServerTools\./ { print "  " $0 }
    /Task Performance Summary/ { inside = 0 }' "$OUT/run$RUNS.log" | sed -E 's/, Culture=neutral, PublicKeyToken=[0-9a-z]+//; s/ +/ /g'
echo '```'
