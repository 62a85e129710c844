namespace ServerTools.Build;

internal static class Placeholder
{
}
