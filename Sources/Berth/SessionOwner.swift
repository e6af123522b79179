import Foundation

/// The owner of a session; when the owner is gone, the session is garbage.
///
/// A containerized owner is identified by container id. A host process is identified by host
/// name, pid and its start time in clock ticks since boot, so that a recycled pid is not mistaken
/// for the owner.
public enum SessionOwner: Sendable, Equatable, CustomStringConvertible {
    case container(id: String)
    case process(host: String, pid: Int32, startTicks: UInt64)

    /// The value of the `berth.owner` label.
    public var label: String {
        switch self {
        case .container(let id): return "container:\(id)"
        case .process(let host, let pid, let ticks): return "process:\(host):\(pid):\(ticks)"
        }
    }

    public var description: String {
        switch self {
        case .container(let id): return "container \(id.prefix(12))"
        case .process(let host, let pid, _): return "process \(pid) on \(host)"
        }
    }

    /// Parses a `berth.owner` label value.
    public init?(label: String) {
        let parts = label.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "container" where parts.count == 2 && !parts[1].isEmpty:
            self = .container(id: parts[1])
        case "process" where parts.count == 4:
            guard let pid = Int32(parts[2]), let ticks = UInt64(parts[3]) else { return nil }
            self = .process(host: parts[1], pid: pid, startTicks: ticks)
        default:
            return nil
        }
    }

    /// Returns the owner for a host process, or nil when it does not exist.
    public static func hostProcess(_ pid: Int32, procRoot: String = "/proc") -> SessionOwner? {
        guard let ticks = ProcessTable.startTicks(of: pid, procRoot: procRoot) else { return nil }
        return .process(host: ProcessTable.hostIdentity(procRoot: procRoot), pid: pid, startTicks: ticks)
    }
}

/// Reads process facts from `/proc`.
public enum ProcessTable {
    /// Returns the start time of a process in clock ticks since boot (field 22 of `/proc/<pid>/stat`).
    public static func startTicks(of pid: Int32, procRoot: String = "/proc") -> UInt64? {
        guard let stat = ProcFile.read("\(procRoot)/\(pid)/stat"),
            let closing = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, which may itself contain spaces and parentheses.
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// Returns the parent pid of a process.
    public static func parent(of pid: Int32, procRoot: String = "/proc") -> Int32? {
        guard let stat = ProcFile.read("\(procRoot)/\(pid)/stat"),
            let closing = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// Returns the command name of a process (`/proc/<pid>/comm`).
    public static func name(of pid: Int32, procRoot: String = "/proc") -> String? {
        ProcFile.read("\(procRoot)/\(pid)/comm")?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Finds the nearest ancestor named `name`, e.g. GitHub's `Runner.Worker`, which lives as long as the job.
    ///
    /// The kernel keeps only the first 15 bytes of a name in `comm`, so that much is compared.
    public static func ancestor(named name: String, from pid: Int32, procRoot: String = "/proc") -> Int32? {
        let comm = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        var current = parent(of: pid, procRoot: procRoot)
        var steps = 0
        while let candidate = current, candidate > 1, steps < 64 {
            if self.name(of: candidate, procRoot: procRoot) == comm {
                return candidate
            }
            current = parent(of: candidate, procRoot: procRoot)
            steps += 1
        }
        return nil
    }

    /// Returns a name for this machine that survives container restarts: the boot id when readable.
    public static func hostIdentity(procRoot: String = "/proc") -> String {
        if let bootID = ProcFile.read("\(procRoot)/sys/kernel/random/boot_id") {
            return String(bootID.trimmingCharacters(in: .whitespacesAndNewlines).prefix(8))
        }
        return ProcessInfo.processInfo.hostName
    }
}

/// Reads files under `/proc`, whose reported size is 0, to their real end.
enum ProcFile {
    static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
