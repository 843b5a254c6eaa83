using System.IO.Compression;
using Paywatch.Core.Telemetry;

namespace Paywatch.Cost.Footprint;

/// <summary>
/// The log port, counting the bytes CloudWatch Logs ingests (the lines as written, UTF-8) and, over the first
/// <see cref="CompressionSampleBytes"/>, how well they compress: CloudWatch Logs bills storage on compressed data and does
/// not say how it compresses, so gzip stands in.
/// </summary>
public sealed class LogCounter : ILogWriter, IDisposable
{
    public const int CompressionSampleBytes = 8 * 1024 * 1024;

    private readonly CountingStream _compressed = new();
    private readonly GZipStream _gzip;
    private long _sampled;

    public LogCounter() => _gzip = new GZipStream(_compressed, CompressionLevel.Optimal, leaveOpen: true);

    public long Bytes { get; private set; }

    public long Lines { get; private set; }

    /// <summary>Compressed bytes / bytes, over the sample.</summary>
    public double CompressionRatio
    {
        get
        {
            _gzip.Flush();
            return _sampled == 0 ? 1 : (double)_compressed.Length / _sampled;
        }
    }

    public void Write(ReadOnlySpan<byte> utf8Lines)
    {
        Bytes += utf8Lines.Length;
        Lines += utf8Lines.Count((byte)'\n');
        if (_sampled < CompressionSampleBytes)
        {
            _gzip.Write(utf8Lines);
            _sampled += utf8Lines.Length;
        }
    }

    public void Dispose()
    {
        _gzip.Dispose();
        _compressed.Dispose();
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
