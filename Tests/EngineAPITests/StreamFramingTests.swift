import Testing

@testable import EngineAPI

/// Docker's 8-byte multiplexed framing and newline-delimited splitting.
@Suite("Stream framing")
struct StreamFramingTests {
    /// Formats decoded frames as `stream:text` strings, which `#expect` can compare and print.
    private func texts(_ frames: [(MultiplexedStreamDecoder.Stream, [UInt8])]) -> [String] {
        frames.map { "\($0.0):" + String(decoding: $0.1, as: UTF8.self) }
    }

    private let stream = frame(1, "out\n") + frame(2, "err\n") + frame(1, "") + frame(3, "boom") + frame(0, "in")
    private let expected = ["stdout:out\n", "stderr:err\n", "stdout:", "systemError:boom", "stdout:in"]

    @Test("Whole stream in one feed")
    func wholeStream() throws {
        var decoder = MultiplexedStreamDecoder()

        let frames = try decoder.feed(stream)

        #expect(texts(frames) == expected)
        #expect(!decoder.hasPartialFrame)
    }

    @Test("Stream split at every byte boundary")
    func everySplit() throws {
        for split in 0...stream.count {
            var decoder = MultiplexedStreamDecoder()

            let frames = try decoder.feed(stream[..<split]) + decoder.feed(stream[split...])

            #expect(texts(frames) == expected, "split after byte \(split)")
            #expect(!decoder.hasPartialFrame, "split after byte \(split)")
        }
    }

    @Test("Stream fed one byte at a time")
    func byteByByte() throws {
        var decoder = MultiplexedStreamDecoder()
        var frames: [(MultiplexedStreamDecoder.Stream, [UInt8])] = []

        for byte in stream {
            frames += try decoder.feed([byte])
        }

        #expect(texts(frames) == expected)
    }

    @Test("Partial frame stays buffered")
    func partialFrame() throws {
        var decoder = MultiplexedStreamDecoder()
        let bytes = frame(2, "abcdef")

        let early = try decoder.feed(bytes.prefix(10))

        #expect(early.isEmpty)
        #expect(decoder.hasPartialFrame)
    }

    @Test("Frame size is big-endian")
    func bigEndianSize() throws {
        var decoder = MultiplexedStreamDecoder()
        let payload = [UInt8](repeating: 0x78, count: 0x0102)

        let frames = try decoder.feed([1, 0, 0, 0, 0, 0, 0x01, 0x02] + payload)

        #expect(frames.count == 1)
        #expect(frames.first?.1.count == 0x0102)
    }

    @Test(
        "Bad frame header is malformed",
        arguments: [
            [4, 0, 0, 0, 0, 0, 0, 1] as [UInt8],
            [1, 1, 0, 0, 0, 0, 0, 1],
            [1, 0, 0, 9, 0, 0, 0, 1],
            Array("HTTP/1.1".utf8),
        ])
    func badHeader(header: [UInt8]) {
        var decoder = MultiplexedStreamDecoder()

        let error = engineError { try decoder.feed(header + [0x41]) }

        #expect(error?.code == .malformedResponse)
        #expect(error?.message == "malformed response from the Docker daemon: bad multiplexed stream header")
    }

    @Test("Bad header after a good frame keeps the good frame out")
    func badHeaderAfterGoodFrame() {
        var decoder = MultiplexedStreamDecoder()

        let error = engineError { try decoder.feed(frame(1, "ok") + [7, 0, 0, 0, 0, 0, 0, 0]) }

        #expect(error?.code == .malformedResponse)
    }

    @Test("LF and CRLF lines")
    func splitterLineEndings() {
        var splitter = LineSplitter()

        let lines = splitter.feed(Array("a\nbb\r\nccc\n".utf8))

        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["a", "bb", "ccc"])
        #expect(splitter.finish() == nil)
    }

    @Test("Line split across feeds")
    func splitterAcrossFeeds() {
        var splitter = LineSplitter()

        let first = splitter.feed(Array(#"{"status":"Pul"#.utf8))
        let second = splitter.feed(Array(#"ling"}"#.utf8) + [0x0D])
        let third = splitter.feed([0x0A] + Array("next".utf8))

        #expect(first.isEmpty)
        #expect(second.isEmpty)
        #expect(third.map { String(decoding: $0, as: UTF8.self) } == [#"{"status":"Pulling"}"#])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "next")
    }

    @Test("Empty lines are skipped")
    func splitterEmptyLines() {
        var splitter = LineSplitter()

        let lines = splitter.feed(Array("\n\r\none\n\n".utf8))

        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["one"])
    }

    @Test("finish drops only a trailing carriage return")
    func splitterFinishCarriageReturn() {
        var splitter = LineSplitter()

        _ = splitter.feed(Array("50%\r60%\r".utf8))

        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "50%\r60%")
    }

    @Test("finish empties the splitter")
    func splitterFinishEmpties() {
        var splitter = LineSplitter()
        _ = splitter.feed(Array("tail".utf8))

        _ = splitter.finish()

        #expect(splitter.finish() == nil)
        #expect(splitter.feed(Array("x\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["x"])
    }
}
