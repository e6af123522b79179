import Foundation
import Testing

@testable import Berth

@Suite("Session owner labels")
struct SessionOwnerUnitTests {
    static let containerID = "3c5e2f0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"

    static let roundTrips: [(SessionOwner, String)] = [
        (.container(id: containerID), "container:\(containerID)"),
        (.process(host: "6e1d3f0a", pid: 4242, startTicks: 123_456_789), "process:6e1d3f0a:4242:123456789"),
        (.process(host: "ci-runner-7", pid: 1, startTicks: 0), "process:ci-runner-7:1:0"),
    ]

    @Test("label round trip", arguments: roundTrips)
    func roundTrip(_ owner: SessionOwner, _ label: String) {
        #expect(owner.label == label)
        #expect(SessionOwner(label: label) == owner)
    }

    static let malformed: [String] = [
        "", "container", "container:", "container:abc:def", "process", "process:host:12",
        "process:host:12:34:56", "process:host:pid:34", "process:host:12:ticks", "process:host:12:-1",
        "process:host:99999999999:1", "pod:abc", "CONTAINER:abc", " container:abc",
    ]

    @Test("malformed labels are rejected", arguments: malformed)
    func malformedLabel(_ label: String) {
        #expect(SessionOwner(label: label) == nil)
    }

    @Test("description shortens the container id")
    func description() {
        #expect(SessionOwner.container(id: Self.containerID).description == "container 3c5e2f0a9b8d")
        #expect(SessionOwner.process(host: "6e1d3f0a", pid: 77, startTicks: 5).description == "process 77 on 6e1d3f0a")
    }
}

/// A fake `/proc` directory with a few processes, for `ProcessTable`.
struct FakeProcRoot {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = try UnitFixture.makeDirectory()
    }

    /// Adds a process whose `comm` is `name` truncated to 15 bytes, as the kernel stores it.
    ///
    /// The `stat` line follows proc(5): pid, the full command in parentheses, state, ppid, then
    /// fields 5 to 52 with `startTicks` as field 22.
    func addProcess(_ pid: Int32, command: String, parent: Int32, startTicks: UInt64) throws {
        var fields = [String](repeating: "0", count: 48)
        fields[0] = "\(pid)"
        fields[1] = "\(pid)"
        fields[3] = "-1"
        fields[17] = "\(startTicks)"
        let stat = "\(pid) (\(command)) S \(parent) " + fields.joined(separator: " ") + "\n"
        try UnitFixture.write(stat, to: "\(pid)/stat", in: url)
        try UnitFixture.write(String(command.prefix(15)) + "\n", to: "\(pid)/comm", in: url)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

@Suite("Process table")
struct ProcessTableUnitTests {
    @Test("start ticks and parent of a command with spaces and parentheses")
    func statWithAwkwardCommand() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try proc.addProcess(4242, command: "my (odd) cmd) x", parent: 4000, startTicks: 987_654_321)

        #expect(ProcessTable.startTicks(of: 4242, procRoot: proc.path) == 987_654_321)
        #expect(ProcessTable.parent(of: 4242, procRoot: proc.path) == 4000)
        #expect(ProcessTable.name(of: 4242, procRoot: proc.path) == "my (odd) cmd) x")
    }

    @Test("a real stat line of this process parses")
    func ownStat() throws {
        let pid = getpid()

        let ticks = try #require(ProcessTable.startTicks(of: pid))
        #expect(ticks > 0)
        #expect(ProcessTable.parent(of: pid) == getppid())
    }

    @Test("missing or truncated stat files yield nil")
    func missingStat() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try UnitFixture.write("77 (short) S 1 77 77\n", to: "77/stat", in: proc.url)
        try UnitFixture.write("78 no parentheses S 1\n", to: "78/stat", in: proc.url)

        #expect(ProcessTable.startTicks(of: 76, procRoot: proc.path) == nil)
        #expect(ProcessTable.parent(of: 76, procRoot: proc.path) == nil)
        #expect(ProcessTable.name(of: 76, procRoot: proc.path) == nil)
        #expect(ProcessTable.startTicks(of: 77, procRoot: proc.path) == nil)
        #expect(ProcessTable.parent(of: 77, procRoot: proc.path) == 1)
        #expect(ProcessTable.startTicks(of: 78, procRoot: proc.path) == nil)
        #expect(ProcessTable.parent(of: 78, procRoot: proc.path) == nil)
    }

    /// bash (400) under Runner.Worker (300) under Runner.Listener (200) under a shell (100) under init.
    private func runnerTree() throws -> FakeProcRoot {
        let proc = try FakeProcRoot()
        try proc.addProcess(1, command: "systemd", parent: 0, startTicks: 1)
        try proc.addProcess(100, command: "sh", parent: 1, startTicks: 10)
        try proc.addProcess(200, command: "Runner.Listener", parent: 100, startTicks: 20)
        try proc.addProcess(300, command: "Runner.Worker", parent: 200, startTicks: 30)
        try proc.addProcess(400, command: "bash", parent: 300, startTicks: 40)
        try proc.addProcess(500, command: "berth", parent: 400, startTicks: 50)
        return proc
    }

    @Test("ancestor finds the nearest process with the name")
    func ancestorFound() throws {
        let proc = try runnerTree()
        defer { proc.remove() }

        #expect(ProcessTable.ancestor(named: "Runner.Worker", from: 500, procRoot: proc.path) == 300)
        #expect(ProcessTable.ancestor(named: "Runner.Listener", from: 500, procRoot: proc.path) == 200)
        #expect(ProcessTable.ancestor(named: "bash", from: 500, procRoot: proc.path) == 400)
    }

    @Test("ancestor skips the process itself and stops before init")
    func ancestorBounds() throws {
        let proc = try runnerTree()
        defer { proc.remove() }

        #expect(ProcessTable.ancestor(named: "berth", from: 500, procRoot: proc.path) == nil)
        #expect(ProcessTable.ancestor(named: "systemd", from: 500, procRoot: proc.path) == nil)
        #expect(ProcessTable.ancestor(named: "Runner.Worker", from: 200, procRoot: proc.path) == nil)
        #expect(ProcessTable.ancestor(named: "Runner.Worker", from: 999, procRoot: proc.path) == nil)
    }

    @Test("ancestor compares names longer than comm by their first 15 bytes")
    func ancestorTruncatedName() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try proc.addProcess(10, command: "containerd-shim-runc-v2", parent: 1, startTicks: 1)
        try proc.addProcess(20, command: "berth", parent: 10, startTicks: 2)

        #expect(ProcessTable.ancestor(named: "containerd-shim-runc-v2", from: 20, procRoot: proc.path) == 10)
    }

    @Test("ancestor does not take a longer name for a shorter one")
    func ancestorWholeName() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try proc.addProcess(10, command: "Runner.Worker", parent: 1, startTicks: 1)
        try proc.addProcess(20, command: "shim", parent: 10, startTicks: 2)
        try proc.addProcess(30, command: "berth", parent: 20, startTicks: 3)

        #expect(ProcessTable.ancestor(named: "sh", from: 30, procRoot: proc.path) == nil)
        #expect(ProcessTable.ancestor(named: "Runner", from: 30, procRoot: proc.path) == nil)
    }

    @Test("ancestor ends on a parent cycle")
    func ancestorCycle() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try proc.addProcess(10, command: "a", parent: 20, startTicks: 1)
        try proc.addProcess(20, command: "b", parent: 10, startTicks: 2)

        #expect(ProcessTable.ancestor(named: "Runner.Worker", from: 10, procRoot: proc.path) == nil)
    }

    @Test("host identity is the boot id's first 8 characters")
    func hostIdentity() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try UnitFixture.write("6e1d3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6\n", to: "sys/kernel/random/boot_id", in: proc.url)

        #expect(ProcessTable.hostIdentity(procRoot: proc.path) == "6e1d3f0a")
    }

    @Test("host owner combines boot id, pid and start ticks")
    func hostProcessOwner() throws {
        let proc = try FakeProcRoot()
        defer { proc.remove() }
        try UnitFixture.write("6e1d3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6\n", to: "sys/kernel/random/boot_id", in: proc.url)
        try proc.addProcess(321, command: "bash", parent: 1, startTicks: 4_567)

        let owner = SessionOwner.hostProcess(321, procRoot: proc.path)

        #expect(owner == .process(host: "6e1d3f0a", pid: 321, startTicks: 4_567))
        #expect(SessionOwner.hostProcess(322, procRoot: proc.path) == nil)
    }
}
