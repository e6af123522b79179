import Foundation

/// Remembers the last session `berth up` started, so `berth down` works without `--session`.
///
/// The file lives in `BERTH_STATE_DIR`, else `$RUNNER_TEMP/berth` inside a GitHub job (one per
/// job), else `$XDG_STATE_HOME/berth`, else `~/.local/state/berth`.
public struct SessionState: Sendable {
    /// The directory holding the state file.
    public let directory: String

    /// Picks the directory from the environment.
    public init(environment: [String: String]) {
        if let explicit = environment["BERTH_STATE_DIR"], !explicit.isEmpty {
            directory = explicit
        } else if let runnerTemp = environment["RUNNER_TEMP"], !runnerTemp.isEmpty {
            directory = runnerTemp + "/berth"
        } else if let stateHome = environment["XDG_STATE_HOME"], !stateHome.isEmpty {
            directory = stateHome + "/berth"
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            directory = home + "/.local/state/berth"
        }
    }

    private var path: String { directory + "/current-session" }

    /// Records `session` as the current one.
    public func save(_ session: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (session + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The current session, if one was recorded.
    public func load() -> String? {
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        let session = text?.trimmingCharacters(in: .whitespacesAndNewlines)
        return session?.isEmpty == false ? session : nil
    }

    /// Forgets `session` if it is the current one.
    public func clear(_ session: String) {
        if load() == session {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
