import Testing

@testable import WorkflowSpec

@Suite("Shell words")
struct ShellWordsTests {
    @Test(
        "splits like GitHub's runner",
        arguments: [
            ("a b\tc", ["a", "b", "c"]),
            ("  spaced   out  ", ["spaced", "out"]),
            (#""a b" c"#, ["a b", "c"]),
            (#"--x="a \"b\" || exit 1""#, [#"--x=a "b" || exit 1"#]),
            (#"a\b c\\d"#, [#"a\b"#, #"c\\d"#]),
            (#"a\\"b c""#, [#"a\b c"#]),
            (#""say ""hi""""#, [#"say "hi""#]),
            (#""""#, [""]),
            ("'a b'", ["'a", "b'"]),
            ("line\nbreak", ["line\nbreak"]),
            ("", []),
        ])
    func split(_ text: String, _ expected: [String]) throws {
        #expect(try ShellWords.split(text) == expected)
    }

    @Test("an unterminated double quote is an error")
    func unterminated() throws {
        #expect(throws: WorkflowError.self) { try ShellWords.split(#"a "b c"#) }
        #expect(throws: ShellWords.UnterminatedQuote.self) { try ShellWords.words(in: #"a "b c"#) }
    }

    @Test("words keep their offsets")
    func offsets() throws {
        let words = try ShellWords.words(in: #"-e  "A B" x"#)
        #expect(words.map(\.offset) == [0, 4, 10])
    }
}

@Suite("Durations and sizes")
struct UnitsTests {
    static let second: Int64 = 1_000_000_000

    @Test(
        "Go durations",
        arguments: [
            ("10s", 10 * second), ("1m30s", 90 * second), ("500ms", second / 2), ("10ms", second / 100),
            ("1h", 3600 * second), ("2.5s", 5 * second / 2), ("0", 0), ("1.5h", 5400 * second), ("100us", 100_000),
            ("7ns", 7), ("-1s", -second), ("+2s", 2 * second), (".5s", second / 2),
        ])
    func durations(_ text: String, _ nanoseconds: Int64) {
        #expect(GoDuration.parse(text) == nanoseconds)
    }

    @Test("invalid Go durations", arguments: ["", "10", "s", "1x", "1.s.", "10s\n", "9999999999h", "1 s"])
    func invalidDurations(_ text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test(
        "memory sizes",
        arguments: [
            ("64m", Int64(64) << 20), ("1g", 1 << 30), ("512mb", 512 << 20), ("1024", 1024), ("1.5g", 1_610_612_736),
            ("2KiB", 2048), ("10b", 10), ("1 g", 1 << 30), ("3T", 3 << 40),
        ])
    func sizes(_ text: String, _ bytes: Int64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test("invalid memory sizes", arguments: ["", "m", "64x", "1.2.3m", "-1m", "1gi", "1kbb", "1 2g"])
    func invalidSizes(_ text: String) {
        #expect(ByteSize.parse(text) == nil)
    }
}

@Suite("Port specifications")
struct PortSpecTests {
    @Test(
        "port forms",
        arguments: [
            ("5432", [PortSpec(hostPort: nil, containerPort: 5432)]),
            ("5432:5432", [PortSpec(hostPort: 5432, containerPort: 5432)]),
            ("4444:3306/tcp", [PortSpec(hostPort: 4444, containerPort: 3306)]),
            ("6379/tcp", [PortSpec(hostPort: nil, containerPort: 6379)]),
            ("53/udp", [PortSpec(hostPort: nil, containerPort: 53, proto: "udp")]),
            ("127.0.0.1:5432:5432", [PortSpec(hostIP: "127.0.0.1", hostPort: 5432, containerPort: 5432)]),
            ("127.0.0.1::5432", [PortSpec(hostIP: "127.0.0.1", hostPort: nil, containerPort: 5432)]),
            ("[::1]:80:8080", [PortSpec(hostIP: "::1", hostPort: 80, containerPort: 8080)]),
            ("0:80", [PortSpec(hostPort: nil, containerPort: 80)]),
            (
                "8000-8002:9000-9002",
                [
                    PortSpec(hostPort: 8000, containerPort: 9000), PortSpec(hostPort: 8001, containerPort: 9001),
                    PortSpec(hostPort: 8002, containerPort: 9002),
                ]
            ),
            (
                "7000-7001/UDP",
                [
                    PortSpec(hostPort: nil, containerPort: 7000, proto: "udp"),
                    PortSpec(hostPort: nil, containerPort: 7001, proto: "udp"),
                ]
            ),
        ])
    func forms(_ text: String, _ expected: [PortSpec]) throws {
        #expect(try PortSpec.parse(text, location: nil) == expected)
    }

    @Test(
        "invalid ports name the mapping",
        arguments: ["", "abc", "0", "70000", "80:70000", "1.2.3.4.5:80:80", "80/http", "9000-9001:80", "10-5", "80:"])
    func invalid(_ text: String) throws {
        let location = WorkflowSpec.SourceLocation(file: "w.yml", line: 4, column: 11)
        do {
            _ = try PortSpec.parse(text, location: location)
            Issue.record("no error for '\(text)'")
        } catch {
            #expect(error.message.hasPrefix("invalid port mapping '\(text)'"))
            #expect(error.location == location)
        }
    }
}
