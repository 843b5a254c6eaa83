using System.Globalization;
using System.Text;

namespace Paywatch.Cli.Commands;

/// <summary>
/// The bottom of the terminal that <c>paywatch up</c> redraws in place, and the lines printed while it runs. On a
/// terminal every line printed goes above the drawing (erase it, print the line, draw again, all under one lock), so an
/// alert never splices into the summary, and the drawing is cut to the terminal's width so that it never wraps (a
/// wrapped line would make "cursor up N" land inside it). Redirected, the drawing is plain lines with no escape codes.
/// </summary>
internal sealed class LiveScreen : IDisposable
{
    private const string EraseToEndOfScreen = "\u001b[J";

    private readonly CliConsole _console;
    private readonly StreamWriter _out;
    private readonly Lock _lock = new();
    private IReadOnlyList<string> _drawing = [];
    private int _linesDrawn;

    public LiveScreen(CliConsole console)
    {
        _console = console;
        _out = new StreamWriter(console.Out, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = false };
        Above = new LineWriter(this);
    }

    /// <summary>Where lines printed while the screen runs go (alerts, repair reports): stderr, above the drawing.</summary>
    public TextWriter Above { get; }

    /// <summary>Whether the drawing is redrawn in place.</summary>
    public bool Redraws => _console.OutIsTerminal;

    public void Dispose()
    {
        _out.Dispose();
        Above.Dispose();
    }

    /// <summary>Text printed once on stdout (the header, the ready line), before any drawing.</summary>
    public void WriteOnce(string text)
    {
        lock (_lock)
        {
            _out.Write(text);
            _out.Flush();
        }
    }

    /// <summary>Replaces the drawing: in place on a terminal, appended as plain lines otherwise.</summary>
    public void Draw(IReadOnlyList<string> lines)
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            Erase(text);
            _drawing = lines;
            AppendDrawing(text);
            _out.Write(text.ToString());
            _out.Flush();
        }
    }

    /// <summary>A line printed on stderr; on a terminal above the drawing, which is then drawn again below it.</summary>
    public void WriteLineAbove(string line)
    {
        lock (_lock)
        {
            if (!Redraws || _linesDrawn == 0)
            {
                _console.Error.WriteLine(line);
                _console.Error.Flush();
                return;
            }

            var erase = new StringBuilder();
            Erase(erase);
            _out.Write(erase.ToString());
            _out.Flush();
            _console.Error.WriteLine(line);
            _console.Error.Flush();
            var redraw = new StringBuilder();
            AppendDrawing(redraw);
            _out.Write(redraw.ToString());
            _out.Flush();
        }
    }

    /// <summary>Cuts <paramref name="line"/> to <paramref name="width"/> columns, ending with '…' when it was longer.</summary>
    public static string Fit(string line, int width) =>
        line.Length <= width ? line : width <= 1 ? line[..Math.Max(0, width)] : string.Concat(line.AsSpan(0, width - 1), "…");

    private void Erase(StringBuilder text)
    {
        if (Redraws && _linesDrawn > 0)
        {
            // Back to the first line of the drawing, and clear from there down (ANSI CUU, ED).
            text.Append(CultureInfo.InvariantCulture, $"\u001b[{_linesDrawn}A").Append(EraseToEndOfScreen);
            _linesDrawn = 0;
        }
    }

    private void AppendDrawing(StringBuilder text)
    {
        var width = Redraws ? Math.Max(1, _console.TerminalWidth()) : int.MaxValue;
        foreach (var line in _drawing)
        {
            text.Append(Fit(line, width)).Append('\n');
        }

        _linesDrawn = _drawing.Count;
    }

    /// <summary>A writer whose lines go above the drawing (what <c>ConsoleSubscription</c> and start-up reports write to).</summary>
    private sealed class LineWriter(LiveScreen screen) : TextWriter
    {
        private readonly StringBuilder _partial = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_partial)
            {
                if (value == '\n')
                {
                    var line = _partial.ToString().TrimEnd('\r');
                    _partial.Clear();
                    screen.WriteLineAbove(line);
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_partial)
            {
                _partial.Append(value);
                var line = _partial.ToString();
                _partial.Clear();
                screen.WriteLineAbove(line);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
