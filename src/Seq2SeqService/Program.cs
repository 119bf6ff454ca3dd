using Seq2SeqService.Health;
using Seq2SeqService.Hosting;

if (HealthCheckCommand.IsRequested(args))
{
    return await HealthCheckCommand.RunAsync(args, Console.Out);
}

return await ServiceHost.RunAsync(args);

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
