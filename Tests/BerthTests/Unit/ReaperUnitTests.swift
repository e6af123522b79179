import Foundation
import Testing

@testable import Berth

@Suite("Readiness health command")
struct ReadinessUnitTests {
    static let commands: [([String]?, [String]?)] = [
        (["CMD-SHELL", "pg_isready -U postgres"], ["/bin/sh", "-c", "pg_isready -U postgres"]),
        (["CMD", "redis-cli", "ping"], ["redis-cli", "ping"]),
        (["CMD", "true"], ["true"]),
        (["CMD-SHELL"], nil),
        (["CMD"], nil),
        (["NONE"], nil),
        ([], nil),
        (nil, nil),
        (["pg_isready"], nil),
    ]

    @Test("exec form of an Engine API health test", arguments: commands)
    func command(_ test: [String]?, _ expected: [String]?) {
        #expect(ReadinessProbe.command(fromHealthTest: test) == expected)
    }
}

@Suite("Reaper watch argument")
struct ReaperWatchUnitTests {
    static let roundTrips: [(ReaperWatch, String)] = [
        (.connection, "stdin"),
        (
            .container(id: "3c5e2f0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"),
            "container:3c5e2f0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"
        ),
        (.container(id: "runner-1"), "container:runner-1"),
        (.process(pid: 4242, startTicks: 987_654_321), "process:4242:987654321"),
    ]

    @Test("argument round trip", arguments: roundTrips)
    func roundTrip(_ watch: ReaperWatch, _ argument: String) {
        #expect(watch.description == argument)
        #expect(ReaperWatch(argument: argument) == watch)
    }

    static let malformed: [String] = [
        "", "stdin:1", "container", "container:", "container:a:b", "process", "process:12",
        "process:12:34:56", "process:x:34", "process:12:-1", "process:4294967296:1", "pid:12:34", "STDIN",
    ]

    @Test("malformed arguments are rejected", arguments: malformed)
    func malformedArgument(_ argument: String) {
        #expect(ReaperWatch(argument: argument) == nil)
    }
}

@Suite("Daemon timestamps")
struct DaemonDateUnitTests {
    /// Docker's RFC 3339 text with nanoseconds and the instant it names, in seconds since 1970.
    static let dates: [(String, Double)] = [
        ("2024-05-01T09:12:44.123456789Z", 1_714_554_764),
        ("2024-05-01T09:12:44Z", 1_714_554_764),
        ("2024-05-01T11:12:44.5+02:00", 1_714_554_764),
        ("2024-05-01T02:12:44.000000001-07:00", 1_714_554_764),
        ("1970-01-01T00:00:00.999999999Z", 0),
    ]

    @Test("parses nanosecond RFC 3339 to the second", arguments: dates)
    func parse(_ text: String, _ seconds: Double) throws {
        let date = try #require(GarbageCollector.parseDate(text))

        #expect(date.timeIntervalSince1970 == seconds)
    }

    @Test("Docker's zero time parses to year 1")
    func zeroTime() throws {
        let date = try #require(GarbageCollector.parseDate("0001-01-01T00:00:00Z"))
        let utc = try #require(TimeZone(identifier: "UTC"))

        #expect(Calendar(identifier: .gregorian).dateComponents(in: utc, from: date).year == 1)
    }

    static let invalid: [String] = ["", "yesterday", "2024-05-01", "2024-05-01 09:12:44Z", "1714554764"]

    @Test("rejects text that is not RFC 3339", arguments: invalid)
    func reject(_ text: String) {
        #expect(GarbageCollector.parseDate(text) == nil)
    }
}

@Suite("Listening ports in /proc/net/tcp")
struct ListeningPortsUnitTests {
    /// `cat /proc/net/tcp /proc/net/tcp6` inside a PostgreSQL container: 5432 listens on IPv4 and
    /// IPv6, 8080 on the loopback, and 40000 is only the local end of an established connection.
    static let procNetTCP = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 28391 1 0 100 0 0 10 0
           1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 28392 1 0 100 0 0 10 0
           2: 020010AC:9C40 010010AC:1538 01 00000000:00000000 00:00000000 00000000   999        0 28393 1 0 20 4 30 10 -1
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 28394 1 0 100 0 0 10 0

        """

    @Test("ports in state LISTEN on IPv4 and IPv6")
    func listening() {
        #expect(ReadinessProbe.listeningPorts(inProcNetTCP: Self.procNetTCP) == [5432, 8080])
    }

    @Test("empty or malformed text yields no ports")
    func malformed() {
        #expect(ReadinessProbe.listeningPorts(inProcNetTCP: "").isEmpty)
        #expect(ReadinessProbe.listeningPorts(inProcNetTCP: "cat: /proc/net/tcp6: No such file or directory\n").isEmpty)
        #expect(ReadinessProbe.listeningPorts(inProcNetTCP: "   0: 00000000:ZZZZ 00000000:0000 0A\n").isEmpty)
    }
}

@Suite("Reaper image tag")
struct ReaperImageTagUnitTests {
    @Test("tag ignores the executable's location")
    func tagIgnoresExecutablePath() throws {
        let directory = try UnitFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("berth").path
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: copy)

        let original = ReaperImage.fingerprint(.init(executable: "/bin/true", interpreter: nil, libraries: []))
        let copied = ReaperImage.fingerprint(.init(executable: copy, interpreter: nil, libraries: []))
        let other = ReaperImage.fingerprint(.init(executable: "/bin/false", interpreter: nil, libraries: []))

        #expect(original == copied)
        #expect(original != other)
    }
}
