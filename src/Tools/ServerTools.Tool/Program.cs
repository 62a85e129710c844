using System;
using ServerTools.Tool;

return await ServerToolsCommand.RunAsync(args, Console.Out, Console.Error);
