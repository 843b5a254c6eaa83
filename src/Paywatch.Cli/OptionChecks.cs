using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Paywatch.Cli;

/// <summary>
/// Checks of option values that every verb can add, each failing with one line that names the flag and the problem,
/// at parse time: before the verb's action runs, so nothing is created for an input that cannot be used
/// (<see cref="PaywatchCommand"/> prints the line and exits with <see cref="ExitCodes.InvalidInput"/>).
/// </summary>
internal static class OptionChecks
{
    /// <summary>A TCP port on 127.0.0.1; 0 asks for any free port.</summary>
    public static Option<int> AcceptPort(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (!r.Implicit && Parsed<int>(r) is { } port and (< 0 or > 65_535))
            {
                r.AddError($"{option.Name} must be a port from 0 to 65535 (0: any free port), not {port}.");
            }
        });
        return option;
    }

    /// <summary>A number in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static Option<int> AcceptRange(this Option<int> option, int minimum, int maximum = int.MaxValue)
    {
        option.Validators.Add(r =>
        {
            if (Parsed<int>(r) is { } value && (value < minimum || value > maximum))
            {
                r.AddError(maximum == int.MaxValue
                    ? $"{option.Name} must be at least {minimum}, not {value}."
                    : $"{option.Name} must be from {minimum} to {maximum}, not {value}.");
            }
        });
        return option;
    }

    /// <summary>The option's value, or null when it did not parse (the parser has reported that already).</summary>
    private static T? Parsed<T>(OptionResult result)
        where T : struct
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A file that exists (a folder or a missing path is refused).</summary>
    public static Option<T> AcceptExistingFile<T>(this Option<T> option)
        where T : FileSystemInfo? => option.AcceptExisting();

    /// <summary>A folder that exists (a file or a missing path is refused).</summary>
    public static Option<T> AcceptExistingFolder<T>(this Option<T> option)
        where T : FileSystemInfo? => option.AcceptExisting();

    /// <summary>The file (FileInfo) or folder (DirectoryInfo) exists, and is of that kind.</summary>
    private static Option<T> AcceptExisting<T>(this Option<T> option)
        where T : FileSystemInfo?
    {
        option.Validators.Add(r =>
        {
            var path = r.GetValueOrDefault<T>();
            var problem = path switch
            {
                FileInfo { Exists: false } file => Directory.Exists(file.FullName) ? $"'{file}' is a folder, not a file." : $"no such file '{file}'.",
                DirectoryInfo { Exists: false } folder => File.Exists(folder.FullName) ? $"'{folder}' is a file, not a folder." : $"no such folder '{folder}'.",
                _ => null,
            };
            if (problem is not null)
            {
                r.AddError($"{option.Name}: {problem}");
            }
        });
        return option;
    }

    /// <summary>
    /// A folder the command may write: an existing folder, or a path whose nearest existing ancestor is a folder
    /// (the command creates the rest). Write permission is checked by the command itself when it creates files.
    /// </summary>
    public static Option<DirectoryInfo> AcceptWritableFolder(this Option<DirectoryInfo> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo>() is { } folder && WhyNotWritableFolder(folder.FullName) is { } problem)
            {
                r.AddError($"{option.Name}: {problem}");
            }
        });
        return option;
    }

    /// <summary><c>host[:port]</c>, the port from 1 to 65535.</summary>
    public static Option<string?> AcceptHostAndPort(this Option<string?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !TryParseHostAndPort(text, 0, out _, out _))
            {
                r.AddError($"{option.Name} takes host[:port] with a port from 1 to 65535, not '{text}'.");
            }
        });
        return option;
    }

    public static bool TryParseHostAndPort(string text, int defaultPort, out string host, out int port)
    {
        var colon = text.LastIndexOf(':');
        (host, port) = (text, defaultPort);
        if (colon >= 0)
        {
            host = text[..colon];
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65_535)
            {
                return false;
            }
        }

        return host.Length > 0 && Uri.CheckHostName(host.Trim('[', ']')) != UriHostNameType.Unknown;
    }

    /// <summary>Why <paramref name="path"/> cannot hold a data folder, or null when it can.</summary>
    public static string? WhyNotWritableFolder(string path)
    {
        if (File.Exists(path))
        {
            return $"'{path}' is a file, not a folder.";
        }

        for (var ancestor = Path.GetDirectoryName(path); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                return $"cannot create '{path}': '{ancestor}' is a file, not a folder.";
            }

            if (Directory.Exists(ancestor))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>An integer from an environment variable that stands in for a flag's default; an error names the variable.</summary>
    public static int IntegerFromEnvironment(ArgumentResult result, string variable, int fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{variable} must be a whole number, not '{text}'.");
        return fallback;
    }
}
