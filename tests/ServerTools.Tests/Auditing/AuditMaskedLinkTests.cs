using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A patient whose diagnoses are a secret (masked) and whose therapies are never logged (ignored).</summary>
[Audited]
public partial class Patient
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    [AuditMask] public List<Diagnosis> Diagnoses { get; set; } = [];
    [AuditIgnore] public List<Therapy> Therapies { get; set; } = [];
    [AuditMask, RuleReadable] public List<Allergy> Allergies { get; set; } = [];
}

/// <summary>The other side of the masked many-to-many relationship, audited, with its navigation back unmarked.</summary>
[Audited]
public partial class Diagnosis
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public List<Patient> Patients { get; set; } = [];
}

/// <summary>The other side of the ignored many-to-many relationship, audited, with its navigation back unmarked.</summary>
[Audited]
public partial class Therapy
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Patient> Patients { get; set; } = [];
}

/// <summary>The other side of a masked many-to-many relationship that data rules may read (<c>[RuleReadable]</c> on the patient's side).</summary>
[Audited]
public partial class Allergy
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Patient> Patients { get; set; } = [];
}

/// <summary>A clinician, tracked but not audited, whose wards are masked: the mark counts for the audited side's log too.</summary>
[Tracked]
public partial class Clinician
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    [AuditMask] public List<Ward> Wards { get; set; } = [];
}

/// <summary>The audited side of the clinicians' wards, with its navigation back unmarked.</summary>
[Audited]
public partial class Ward
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Clinician> Clinicians { get; set; } = [];
}

/// <summary>A base class whose masked navigation the tracked class overrides: reflection does not pass the mark on to the override.</summary>
public abstract class RoomStaff
{
    [AuditMask] public virtual List<Room> Rooms { get; set; } = [];
}

/// <summary>Tracked, not audited, with the masked navigation overridden from its base class.</summary>
[Tracked]
public partial class Nurse : RoomStaff
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public override List<Room> Rooms { get; set; } = [];
}

/// <summary>The audited side of the nurses' rooms, with its navigation back unmarked.</summary>
[Audited]
public partial class Room
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Nurse> Nurses { get; set; } = [];
}

public sealed class PatientContext(DbContextOptions<PatientContext> options) : DbContext(options)
{
    public DbSet<Nurse> Nurses => Set<Nurse>();
    public DbSet<Room> Rooms => Set<Room>();
    public DbSet<Clinician> Clinicians => Set<Clinician>();
    public DbSet<Ward> Wards => Set<Ward>();

    public DbSet<Patient> Patients => Set<Patient>();
    public DbSet<Diagnosis> Diagnoses => Set<Diagnosis>();
    public DbSet<Therapy> Therapies => Set<Therapy>();
    public DbSet<Allergy> Allergies => Set<Allergy>();
}

/// <summary>
/// A link of a many-to-many relationship is one fact that the logs of both sides hold: <c>[AuditMask]</c> or
/// <c>[AuditIgnore]</c> on one side's navigation masks or leaves out the other side's line too (the strongest mark of the
/// two wins), as read from the trail stored in PostgreSQL.
/// </summary>
public sealed class AuditMaskedLinkTests(AuditMaskedLinkTests.Database database) : IClassFixture<AuditMaskedLinkTests.Database>
{
    public sealed class Database() : SchemaFixture<PatientContext>(options => new(options));

    [Fact]
    public async Task A_link_masked_on_one_side_is_masked_in_the_log_of_the_other_side()
    {
        var (patient, diagnosis, _) = await SeedAsync("masked");
        await using (var context = database.Create())
        {
            var loaded = await context.Patients.SingleAsync(p => p.Id == patient);
            loaded.Diagnoses.Add(await context.Diagnoses.SingleAsync(d => d.Id == diagnosis));
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            // Removed from the side that is not marked: masked all the same.
            var loaded = await context.Diagnoses.Include(d => d.Patients).SingleAsync(d => d.Id == diagnosis);
            loaded.Patients.Clear();
            await context.SaveChangesAsync();
        }

        var patientUpdates = (await Logs<Patient>(() => database.Create(), patient)).Where(static l => l.Operation == AuditOperation.Update).ToList();
        var diagnosisUpdates = (await Logs<Diagnosis>(() => database.Create(), diagnosis)).Where(static l => l.Operation == AuditOperation.Update).ToList();
        Assert.Equal([[("Diagnoses", "***", "***")], [("Diagnoses", "***", "***")]], patientUpdates.Select(Lines));
        Assert.Equal([[("Patients", "***", "***")], [("Patients", "***", "***")]], diagnosisUpdates.Select(Lines));
    }

    [Fact]
    public async Task A_link_ignored_on_one_side_is_left_out_of_the_log_of_the_other_side()
    {
        var (patient, _, therapy) = await SeedAsync("ignored");
        await using (var context = database.Create())
        {
            var loaded = await context.Therapies.SingleAsync(t => t.Id == therapy);
            loaded.Patients.Add(await context.Patients.SingleAsync(p => p.Id == patient));
            await context.SaveChangesAsync();
        }

        // A save that changes only the ignored links logs nothing, on either side.
        Assert.Equal([AuditOperation.Create], (await Logs<Patient>(() => database.Create(), patient)).Select(static l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await Logs<Therapy>(() => database.Create(), therapy)).Select(static l => l.Operation));
        await using var check = database.Create();
        Assert.Equal([patient], await check.Therapies.Where(t => t.Id == therapy).SelectMany(t => t.Patients).Select(p => p.Id).ToListAsync());
    }

    /// <summary>
    /// The mark of a class that is tracked, not audited (it has no audit descriptor), is read from the class itself: the
    /// audited side's log masks the link as the data-rule schema hides it.
    /// </summary>
    [Fact]
    public async Task A_link_masked_on_a_side_that_is_not_audited_is_masked_in_the_log_of_the_audited_side()
    {
        int ward;
        await using (var context = database.Create())
        {
            var clinician = new Clinician { Name = "Dr. Who" };
            var added = new Ward { Name = "Oncology" };
            context.AddRange(clinician, added);
            await context.SaveChangesAsync();
            clinician.Wards.Add(added);
            await context.SaveChangesAsync();
            ward = added.Id;
        }

        var updates = (await Logs<Ward>(() => database.Create(), ward)).Where(static l => l.Operation == AuditOperation.Update).ToList();
        Assert.Equal([[("Clinicians", "***", "***")]], updates.Select(Lines));
    }

    /// <summary>The mark on a base class's declaration of the navigation back counts, also through an override without it.</summary>
    [Fact]
    public async Task A_link_masked_on_the_base_declaration_of_an_overridden_navigation_is_masked_in_the_log_of_the_audited_side()
    {
        int room;
        await using (var context = database.Create())
        {
            var nurse = new Nurse { Name = "Florence" };
            var added = new Room { Name = "B-12" };
            context.AddRange(nurse, added);
            await context.SaveChangesAsync();
            nurse.Rooms.Add(added);
            await context.SaveChangesAsync();
            room = added.Id;
        }

        var updates = (await Logs<Room>(() => database.Create(), room)).Where(static l => l.Operation == AuditOperation.Update).ToList();
        Assert.Equal([[("Nurses", "***", "***")]], updates.Select(Lines));
    }

    private async Task<(int Patient, int Diagnosis, int Therapy)> SeedAsync(string name)
    {
        await using var context = database.Create();
        var patient = new Patient { Name = name };
        var diagnosis = new Diagnosis { Code = "F32.1" };
        var therapy = new Therapy { Name = "CBT" };
        context.AddRange(patient, diagnosis, therapy);
        await context.SaveChangesAsync();
        return (patient.Id, diagnosis.Id, therapy.Id);
    }
}
