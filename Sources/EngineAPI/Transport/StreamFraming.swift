import Foundation

/// Splits Docker's multiplexed stdout/stderr stream into frames.
///
/// Each frame is an 8-byte header `[stream, 0, 0, 0, size (UInt32 big-endian)]` followed by
/// `size` payload bytes; stream 0 (stdin) is reported as stdout, 1 stdout, 2 stderr, and 3 is a
/// daemon-side error. Frames may be split across reads, so bytes are buffered until whole.
public struct MultiplexedStreamDecoder: Sendable {
    /// The stream a frame belongs to.
    public enum Stream: UInt8, Sendable {
        case stdout = 1
        case stderr = 2
        case systemError = 3
    }

    private var pending: [UInt8] = []

    /// Creates a decoder with nothing buffered.
    public init() {}

    /// Feeds bytes and returns the frames completed by them.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(EngineError) -> [(Stream, [UInt8])] {
        pending.append(contentsOf: bytes)
        var frames: [(Stream, [UInt8])] = []
        var offset = 0
        while pending.count - offset >= 8 {
            let kind = pending[offset]
            guard kind <= 3, pending[offset + 1] == 0, pending[offset + 2] == 0, pending[offset + 3] == 0 else {
                throw EngineError.malformed("bad multiplexed stream header", request: nil)
            }
            let size =
                Int(pending[offset + 4]) << 24 | Int(pending[offset + 5]) << 16 | Int(pending[offset + 6]) << 8
                | Int(pending[offset + 7])
            guard pending.count - offset - 8 >= size else {
                break
            }
            let payload = Array(pending[(offset + 8)..<(offset + 8 + size)])
            frames.append((Stream(rawValue: kind) ?? .stdout, payload))
            offset += 8 + size
        }
        pending.removeFirst(offset)
        return frames
    }

    /// True when a partial frame is still buffered.
    public var hasPartialFrame: Bool { !pending.isEmpty }
}

/// Splits a byte stream into newline-terminated lines, however the reads fall.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    /// Creates a splitter with nothing buffered.
    public init() {}

    /// Feeds bytes and returns the complete lines (without `\n` or `\r\n`), skipping empty ones.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var lineStart = 0
        for index in pending.indices where pending[index] == 0x0A {
            var end = index
            if end > lineStart && pending[end - 1] == 0x0D {
                end -= 1
            }
            if end > lineStart {
                lines.append(Array(pending[lineStart..<end]))
            }
            lineStart = index + 1
        }
        pending.removeFirst(lineStart)
        return lines
    }

    /// Returns what is left after the last newline, e.g. a final line without one, minus a
    /// trailing carriage return; nil when nothing is left.
    public mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        var rest = pending
        if rest.last == 0x0D {
            rest.removeLast()
        }
        return rest.isEmpty ? nil : rest
    }
}
