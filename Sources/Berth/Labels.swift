import Foundation

/// Label keys on every resource Berth creates, so that sessions, owners and leftovers can be
/// found by label filters alone.
public enum BerthLabel {
    /// The session a resource belongs to.
    public static let session = "berth.session"
    /// Who owns the session: `container:<id>` or `process:<host>:<pid>:<start ticks>`.
    public static let owner = "berth.owner"
    /// The service key of a service container.
    public static let service = "berth.service"
    /// What a resource is for: `service`, `network`, `reaper`.
    public static let role = "berth.role"
    /// The job network an escort container watches.
    public static let escortedNetwork = "berth.escort.network"
    /// The Berth version that created the resource.
    public static let version = "berth.version"
    /// A token on a reaper that the Berth process creating it shares with its launch guard.
    public static let launch = "berth.launch"
}

/// Berth's own version.
public enum BerthVersion {
    /// The version string printed by `berth version`.
    public static let current = "0.1.0"
}

/// Session identifiers.
public enum SessionID {
    /// Makes a fresh id: 10 lowercase hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<10).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }

    /// Checks a user-given id: it becomes part of network and container names.
    public static func validate(_ id: String) throws(BerthError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_.-")
        guard let first = id.first, first.isLetter || first.isNumber, id.count <= 40,
            id.allSatisfy({ allowed.contains($0) })
        else {
            throw BerthError(
                "invalid session id '\(id)'",
                hint: "Use 1 to 40 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.")
        }
    }

    /// The name of a session's network.
    public static func networkName(_ session: String) -> String {
        "berth-\(session)"
    }

    /// Returns the name of a session's reaper container. Names are unique, so it is the session's lock.
    public static func reaperName(_ session: String) -> String {
        "berth-\(session)-reaper"
    }

    /// The name of a service container.
    public static func containerName(session: String, key: String) -> String {
        "berth-\(session)-\(key)"
    }
}
