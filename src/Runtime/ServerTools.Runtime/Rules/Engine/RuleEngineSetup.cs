using System;

namespace ServerTools.Rules;

/// <summary>
/// How the application's rule engine is set up (<c>AddServerTools</c>), registered beside it as a singleton so that a
/// context created by the application's services can tell, when it saves a data rule, whether the engine will run it.
/// </summary>
/// <param name="DataRuleContextType">The context type whose table the engine reads data rules from (<see cref="RuleOptions.UseDataRules{TContext}"/>), or null when it runs none.</param>
internal sealed record RuleEngineSetup(Type? DataRuleContextType);
