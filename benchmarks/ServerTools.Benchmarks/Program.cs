using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ServerTools.Benchmarks.Generators.GeneratorRunBenchmarks).Assembly).Run(args);
