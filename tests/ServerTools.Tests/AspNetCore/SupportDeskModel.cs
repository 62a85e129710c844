using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.AspNetCore;

[Audited]
public partial class SupportTicket
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
}

public sealed class SupportDeskContext(DbContextOptions<SupportDeskContext> options) : DbContext(options)
{
    public DbSet<SupportTicket> Tickets => Set<SupportTicket>();
}
