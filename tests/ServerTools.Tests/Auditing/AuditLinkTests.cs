using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>Many-to-many navigations of both sides audited (shared-type join <c>PartnerTag</c>), of one side only, masked, ignored and declared on one side only.</summary>
[Audited]
public partial class Partner
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Tag> Tags { get; set; } = [];
    public List<Role> Roles { get; set; } = [];
    [AuditMask] public List<Clearance> Clearances { get; set; } = [];
    [AuditIgnore] public List<Topic> Topics { get; set; } = [];
    public List<Course> Courses { get; set; } = [];
}

[Audited]
public partial class Tag
{
    public int Id { get; set; }
    public string Label { get; set; } = "";
    public List<Partner> Partners { get; set; } = [];
}

/// <summary>Not audited: its side of the links logs nothing.</summary>
public class Role
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Partner> Partners { get; set; } = [];
}

/// <summary>Audited, but with no navigation back to the partners (<c>HasMany(m => m.Clearances).WithMany()</c>): it has no field to log links in.</summary>
[Audited]
public partial class Clearance
{
    public int Id { get; set; }
    public string Level { get; set; } = "";
}

[Audited]
public partial class Topic
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Partner> Partners { get; set; } = [];
}

/// <summary>Creates and deletes are logged, updates are not: its links are not either.</summary>
[Audited(Operations = AuditOperations.Create | AuditOperations.Delete)]
public partial class Course
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public List<Partner> Partners { get; set; } = [];
}

/// <summary>The join entity of <c>Partner.Courses</c>, a class of its own (<c>UsingEntity&lt;Enrollment&gt;</c>), audited itself.</summary>
[Audited]
public partial class Enrollment
{
    public int PartnerId { get; set; }
    public int CourseId { get; set; }
}

/// <summary>Every field on every update, a links-only one included.</summary>
[Audited(Mode = AuditMode.Full)]
public partial class Squad
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Player> Players { get; set; } = [];
}

public class Player
{
    public int Id { get; set; }
    public List<Squad> Squads { get; set; } = [];
}

/// <summary>Its links name it by an alternate key (<c>Address</c>), not by its primary key.</summary>
[Audited]
public partial class Mailbox
{
    public int Id { get; set; }
    public string Address { get; set; } = "";
    public List<Sender> Senders { get; set; } = [];
}

[Audited]
public partial class Sender
{
    public int Id { get; set; }
    public List<Mailbox> Mailboxes { get; set; } = [];
}

/// <summary>A class that is not audited, whose many-to-many navigation a derived class audits under its own name.</summary>
public class Vessel
{
    public int Id { get; set; }
    public List<Port> Ports { get; set; } = [];
}

[Audited]
public partial class Tanker : Vessel
{
    public string Cargo { get; set; } = "";
}

public class Port
{
    public int Id { get; set; }
    public List<Vessel> Vessels { get; set; } = [];
}

public sealed class LinkContext(DbContextOptions<LinkContext> options) : DbContext(options)
{
    public DbSet<Vessel> Vessels => Set<Vessel>();
    public DbSet<Tanker> Tankers => Set<Tanker>();
    public DbSet<Port> Ports => Set<Port>();

    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<Clearance> Clearances => Set<Clearance>();
    public DbSet<Topic> Topics => Set<Topic>();
    public DbSet<Course> Courses => Set<Course>();
    public DbSet<Squad> Squads => Set<Squad>();
    public DbSet<Player> Players => Set<Player>();
    public DbSet<Mailbox> Mailboxes => Set<Mailbox>();
    public DbSet<Sender> Senders => Set<Sender>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Partner>().HasMany(m => m.Clearances).WithMany();
        modelBuilder.Entity<Partner>().HasMany(m => m.Courses).WithMany(c => c.Partners).UsingEntity<Enrollment>();
        modelBuilder.Entity<Mailbox>().HasMany(m => m.Senders).WithMany(s => s.Mailboxes).UsingEntity(
            "MailboxSender",
            right => right.HasOne(typeof(Sender)).WithMany().HasForeignKey("SenderId"),
            left => left.HasOne(typeof(Mailbox)).WithMany().HasForeignKey("MailboxAddress").HasPrincipalKey(nameof(Mailbox.Address)));
    }
}

/// <summary>
/// Links of many-to-many navigations (EF Core's skip navigations, whose join entity is a shared-type dictionary) are logged
/// as a line of the navigation's name in the log of each audited side: the keys removed (old value) and added (new value).
/// </summary>
public sealed class AuditLinkTests(AuditLinkTests.Database database) : IClassFixture<AuditLinkTests.Database>
{
    public sealed class Database() : SchemaFixture<LinkContext>(options => new(options));

    [Fact]
    public void Descriptor_lists_the_many_to_many_navigations_marked_AuditIgnore_or_AuditMask()
    {
        var descriptor = AuditDescriptors.Get<Partner>();
        Assert.Equal(["Topics"], descriptor.IgnoredNavigations);
        Assert.Equal(["Clearances"], descriptor.MaskedNavigations);
    }

    [Fact]
    public async Task Adding_a_link_logs_an_update_of_each_audited_side_in_the_transaction_of_the_change()
    {
        var (partner, tag) = await SeedAsync("add");
        await using (var context = database.Create())
        {
            using var actor = AuditActor.Use(new AuditActor("u-7", "Grace", "198.51.100.4"));
            var loaded = await context.Partners.Include(m => m.Tags).SingleAsync(m => m.Id == partner);
            loaded.Tags.Add(await context.Tags.SingleAsync(b => b.Id == tag));
            await context.SaveChangesAsync();
        }

        var partnerLog = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Tags", "[]", Json(tag))], Lines(partnerLog));
        Assert.Equal(("u-7", "Grace", "198.51.100.4"), (partnerLog.UserId, partnerLog.UserName, partnerLog.IpAddress));

        var tagLog = Assert.Single(await LogsOf<Tag>(tag), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Partners", "[]", Json(partner))], Lines(tagLog));
        Assert.Equal(partnerLog.TransactionId, tagLog.TransactionId);

        await using var reader = database.Create();
        var history = await reader.FieldHistory<Partner>(nameof(Partner.Tags), partner).ToListAsync();
        Assert.Equal([("[]", Json(tag))], history.Select(static c => (c.OldValue, c.NewValue)));
        var trail = await reader.AuditTrail(await reader.Partners.SingleAsync(m => m.Id == partner)).ToListAsync();
        Assert.Contains(trail, log => log.Lines.Any(line => line.Field == nameof(Partner.Tags)));
    }

    [Fact]
    public async Task Removing_a_link_logs_the_removed_key()
    {
        var (partner, tag) = await SeedAsync("remove", linked: true);
        await using (var context = database.Create())
        {
            var loaded = await context.Partners.Include(m => m.Tags).SingleAsync(m => m.Id == partner);
            loaded.Tags.Clear();
            await context.SaveChangesAsync();
        }

        var partnerLog = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Tags", Json(tag), "[]")], Lines(partnerLog));
        var tagLog = Assert.Single(await LogsOf<Tag>(tag), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Partners", Json(partner), "[]")], Lines(tagLog));
    }

    [Fact]
    public async Task Several_links_and_a_field_in_one_save_are_one_update_with_the_keys_in_order()
    {
        int partner;
        int[] tags;
        await using (var context = database.Create())
        {
            var created = Enumerable.Range(0, 12).Select(i => new Tag { Label = "several-" + i }).ToList();
            var m = new Partner { Name = "several", Tags = [created[0], created[1]] };
            context.AddRange(created);
            context.Add(m);
            await context.SaveChangesAsync();
            (partner, tags) = (m.Id, [.. created.Select(b => b.Id)]);
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Partners.Include(m => m.Tags).SingleAsync(m => m.Id == partner);
            var all = await context.Tags.Where(b => tags.Contains(b.Id)).ToDictionaryAsync(b => b.Id);
            loaded.Name = "several, renamed";
            loaded.Tags.Remove(all[tags[1]]);
            foreach (var id in new[] { tags[11], tags[2], tags[10] })
            {
                loaded.Tags.Add(all[id]);
            }

            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal(
            [("Name", "several", "several, renamed"), ("Tags", Json(tags[1]), Json(tags[2], tags[10], tags[11]))],
            Lines(update));
    }

    [Fact]
    public async Task Links_of_entities_created_in_the_save_are_in_their_create_logs_with_the_generated_keys()
    {
        int partner, tag;
        await using (var context = database.Create())
        {
            var b = new Tag { Label = "created" };
            var m = new Partner { Name = "created", Tags = [b] };
            context.Add(m);
            await context.SaveChangesAsync();
            (partner, tag) = (m.Id, b.Id);
        }

        var partnerLog = Assert.Single(await LogsOf<Partner>(partner));
        Assert.Equal(AuditOperation.Create, partnerLog.Operation);
        Assert.Equal(("Tags", null, Json(tag)), Lines(partnerLog)[^1]);
        var tagLog = Assert.Single(await LogsOf<Tag>(tag));
        Assert.Equal(AuditOperation.Create, tagLog.Operation);
        Assert.Equal(("Partners", null, Json(partner)), Lines(tagLog)[^1]);
    }

    [Fact]
    public async Task A_new_entity_linked_to_an_existing_one_gives_its_generated_key_to_the_existing_ones_update()
    {
        var (partner, _) = await SeedAsync("new tag");
        int tag;
        await using (var context = database.Create())
        {
            var loaded = await context.Partners.SingleAsync(m => m.Id == partner);
            var b = new Tag { Label = "new tag, added" };
            loaded.Tags.Add(b);
            await context.SaveChangesAsync();
            tag = b.Id;
        }

        var update = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Tags", "[]", Json(tag))], Lines(update));
    }

    [Fact]
    public async Task Only_the_audited_side_logs_and_a_navigation_declared_on_one_side_only_is_logged_on_that_side()
    {
        var (partner, _) = await SeedAsync("one side");
        int role, clearance;
        await using (var context = database.Create())
        {
            var r = new Role { Name = "admin" };
            var c = new Clearance { Level = "secret" };
            context.AddRange(r, c);
            await context.SaveChangesAsync();
            (role, clearance) = (r.Id, c.Id);
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Partners.SingleAsync(m => m.Id == partner);
            loaded.Roles.Add(await context.Roles.SingleAsync(r => r.Id == role));
            loaded.Clearances.Add(await context.Clearances.SingleAsync(c => c.Id == clearance));
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        // Masked: that the clearances changed is logged, which ones is not.
        Assert.Equal([("Clearances", "***", "***"), ("Roles", "[]", Json(role))], Lines(update));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Clearance>(clearance)).Select(l => l.Operation));
    }

    [Fact]
    public async Task An_ignored_navigation_logs_nothing_on_either_side()
    {
        var (partner, _) = await SeedAsync("ignored");
        int topic;
        await using (var context = database.Create())
        {
            var t = new Topic { Name = "ignored" };
            context.Add(t);
            await context.SaveChangesAsync();
            topic = t.Id;
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Partners.SingleAsync(m => m.Id == partner);
            loaded.Topics.Add(await context.Topics.SingleAsync(t => t.Id == topic));
            await context.SaveChangesAsync();
        }

        // The link is one fact: the [AuditIgnore] of Partner.Topics leaves Topic.Partners out too (AuditMaskedLinkTests).
        Assert.Equal([AuditOperation.Create], (await LogsOf<Partner>(partner)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Topic>(topic)).Select(l => l.Operation));
    }

    [Fact]
    public async Task Deleting_an_entity_logs_its_links_as_removed_on_both_sides_whether_the_context_loaded_them_or_not()
    {
        var (loadedPartner, loadedTag) = await SeedAsync("cascade, loaded", linked: true);
        var (unloadedPartner, unloadedTag) = await SeedAsync("cascade, not loaded", linked: true);
        await using (var context = database.Create())
        {
            context.Remove(await context.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == loadedPartner));
            context.Remove(await context.Partners.SingleAsync(p => p.Id == unloadedPartner));
            await context.SaveChangesAsync();
        }

        // The join row of a link EF did not load, which the database would delete (ON DELETE CASCADE), is loaded first.
        foreach (var (partner, tag) in new[] { (loadedPartner, loadedTag), (unloadedPartner, unloadedTag) })
        {
            var delete = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Delete);
            Assert.Equal(("Tags", Json(tag), null), Lines(delete)[^1]);
            var tagLog = Assert.Single(await LogsOf<Tag>(tag), l => l.Operation == AuditOperation.Update);
            Assert.Equal([("Partners", Json(partner), "[]")], Lines(tagLog));
        }

        await using var reader = database.Create();
        Assert.Empty(await reader.Tags.Where(t => t.Id == unloadedTag).SelectMany(t => t.Partners).ToListAsync());
    }

    [Fact]
    public async Task A_rolled_back_save_leaves_no_link_log()
    {
        var (partner, tag) = await SeedAsync("rolled back");
        await using (var context = database.Create())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            var loaded = await context.Partners.SingleAsync(m => m.Id == partner);
            loaded.Tags.Add(await context.Tags.SingleAsync(b => b.Id == tag));
            await context.SaveChangesAsync();
            Assert.Equal(2, await context.Set<AuditLog>().CountAsync(l => l.Operation == AuditOperation.Update && (l.EntityKey == Key(partner) || l.EntityKey == Key(tag))));
            await transaction.RollbackAsync();
        }

        Assert.Equal([AuditOperation.Create], (await LogsOf<Partner>(partner)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Tag>(tag)).Select(l => l.Operation));
    }

    [Fact]
    public async Task A_link_removed_and_added_again_in_one_save_is_no_change()
    {
        var (partner, tag) = await SeedAsync("again", linked: true);
        var (_, other) = await SeedAsync("again, other");
        await using (var context = database.Create())
        {
            // Through the join entity's own set: EF then holds a deleted and an added entry of the same link.
            var join = context.Set<Dictionary<string, object>>("PartnerTag");
            join.Remove(await join.SingleAsync(j => (int)j["PartnersId"] == partner));
            join.Add(new Dictionary<string, object> { ["PartnersId"] = partner, ["TagsId"] = tag });
            join.Add(new Dictionary<string, object> { ["PartnersId"] = partner, ["TagsId"] = other });
            await context.SaveChangesAsync();
        }

        await using var reader = database.Create();
        Assert.Equal([tag, other], await reader.Partners.Where(p => p.Id == partner).SelectMany(p => p.Tags).Select(t => t.Id).OrderBy(id => id).ToListAsync());
        var update = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Tags", "[]", Json(other))], Lines(update));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Tag>(tag)).Select(l => l.Operation));
    }

    [Fact]
    public async Task A_side_that_does_not_log_updates_logs_no_link_and_an_audited_join_class_keeps_its_own_logs()
    {
        var (partner, _) = await SeedAsync("course");
        int course;
        await using (var context = database.Create())
        {
            var c = new Course { Title = "course" };
            context.Add(c);
            await context.SaveChangesAsync();
            course = c.Id;
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Partners.SingleAsync(m => m.Id == partner);
            loaded.Courses.Add(await context.Courses.SingleAsync(c => c.Id == course));
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Courses", "[]", Json(course))], Lines(update));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Course>(course)).Select(l => l.Operation));

        await using var reader = database.Create();
        var enrollment = await reader.AuditTrailByKey<Enrollment>(course, partner).SingleAsync();
        Assert.Equal(AuditOperation.Create, enrollment.Operation);
    }

    [Fact]
    public async Task A_links_only_update_in_Full_mode_logs_every_field_too()
    {
        int squad, player;
        await using (var context = database.Create())
        {
            var s = new Squad { Name = "full" };
            var p = new Player();
            context.AddRange(s, p);
            await context.SaveChangesAsync();
            (squad, player) = (s.Id, p.Id);
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Squads.SingleAsync(s => s.Id == squad);
            loaded.Players.Add(await context.Players.SingleAsync(p => p.Id == player));
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Squad>(squad), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Id", Key(squad), Key(squad)), ("Name", "full", "full"), ("Players", "[]", Json(player))], Lines(update));
    }

    [Fact]
    public async Task A_join_row_added_through_its_own_set_is_logged_on_the_entities_it_names()
    {
        var (partner, tag) = await SeedAsync("join set");
        await using (var context = database.Create())
        {
            var join = context.Set<Dictionary<string, object>>("PartnerTag");
            join.Add(new Dictionary<string, object> { ["PartnersId"] = partner, ["TagsId"] = tag });
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Partner>(partner), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Tags", "[]", Json(tag))], Lines(update));
        var tagLog = Assert.Single(await LogsOf<Tag>(tag), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Partners", "[]", Json(partner))], Lines(tagLog));
    }

    [Fact]
    public async Task Values_as_of_an_instant_leave_the_link_lines_out()
    {
        var (partner, tag) = await SeedAsync("as of");
        await using (var context = database.Create())
        {
            var loaded = await context.Partners.SingleAsync(m => m.Id == partner);
            loaded.Tags.Add(await context.Tags.SingleAsync(b => b.Id == tag));
            await context.SaveChangesAsync();

            Assert.Contains(await context.FieldHistory<Partner>(nameof(Partner.Tags), partner).ToListAsync(), change => change.NewValue == Json(tag));
            var values = await context.AuditedValuesAsOfAsync<Partner>(DateTimeOffset.UtcNow.AddMinutes(1), [partner]);
            Assert.NotNull(values);
            Assert.Equal("as of", values["Name"]);
            Assert.False(values.ContainsKey(nameof(Partner.Tags)));
        }
    }

    [Fact]
    public async Task A_link_by_an_alternate_key_is_logged_by_the_primary_key_and_refused_when_its_entity_is_not_tracked()
    {
        int mailbox, sender;
        await using (var context = database.Create())
        {
            var m = new Mailbox { Address = "ops@example.org" };
            var s = new Sender();
            context.AddRange(m, s);
            await context.SaveChangesAsync();
            (mailbox, sender) = (m.Id, s.Id);
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Mailboxes.SingleAsync(m => m.Id == mailbox);
            loaded.Senders.Add(await context.Senders.SingleAsync(s => s.Id == sender));
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Mailbox>(mailbox), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Senders", "[]", Json(sender))], Lines(update));
        var senderLog = Assert.Single(await LogsOf<Sender>(sender), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Mailboxes", "[]", "[\"ops@example.org\"]")], Lines(senderLog));

        await using (var context = database.Create())
        {
            var join = context.Set<Dictionary<string, object>>("MailboxSender");
            join.Remove(await join.SingleAsync(j => (int)j["SenderId"] == sender));
            var error = Assert.IsType<InvalidOperationException>((await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync())).InnerException);
            Assert.Contains("'Mailbox.Senders'", error.Message, StringComparison.Ordinal);
            Assert.Contains("Load the entity into the context before the save", error.Message, StringComparison.Ordinal);
        }

        await using var reader = database.Create();
        Assert.Equal([sender], await reader.Mailboxes.Where(m => m.Id == mailbox).SelectMany(m => m.Senders).Select(s => s.Id).ToListAsync());
    }

    [Fact]
    public async Task A_link_of_an_untracked_entity_whose_class_may_be_audited_under_a_derived_name_is_refused_rather_than_lost()
    {
        int tanker, port;
        await using (var context = database.Create())
        {
            var t = new Tanker { Cargo = "crude" };
            var p = new Port();
            context.AddRange(t, p);
            await context.SaveChangesAsync();
            (tanker, port) = (t.Id, p.Id);
        }

        await using (var context = database.Create())
        {
            // The join row through its own set: the vessel it names is not tracked, and could be a Tanker, audited as such.
            var join = context.Set<Dictionary<string, object>>("PortVessel");
            join.Add(new Dictionary<string, object> { ["PortsId"] = port, ["VesselsId"] = tanker });
            var error = Assert.IsType<InvalidOperationException>((await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync())).InnerException);
            Assert.Contains("'Vessel.Ports'", error.Message, StringComparison.Ordinal);
            Assert.Contains("has derived classes", error.Message, StringComparison.Ordinal);
        }

        await using (var context = database.Create())
        {
            // Loaded, the tanker's own trail gets the link.
            var loaded = await context.Tankers.SingleAsync(t => t.Id == tanker);
            loaded.Ports.Add(await context.Ports.SingleAsync(p => p.Id == port));
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await LogsOf<Tanker>(tanker), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Ports", "[]", Json(port))], Lines(update));
    }

    /// <summary>A partner and a tag, linked or not; their create logs written.</summary>
    private async Task<(int Partner, int Tag)> SeedAsync(string name, bool linked = false)
    {
        await using var context = database.Create();
        var tag = new Tag { Label = name };
        var partner = new Partner { Name = name };
        if (linked)
        {
            partner.Tags.Add(tag);
        }

        context.AddRange(partner, tag);
        await context.SaveChangesAsync();
        return (partner.Id, tag.Id);
    }

    private Task<List<AuditLog>> LogsOf<TEntity>(int id) => Logs<TEntity>(() => database.Create(), id);

    /// <summary>Keys as a link line writes them: a JSON array of the keys' texts.</summary>
    private static string Json(params int[] keys) => "[" + string.Join(",", keys.Select(k => "\"" + Key(k) + "\"")) + "]";
}
