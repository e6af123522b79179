import Foundation

/// A rewrite of image references, for registry mirrors and local stand-ins.
///
/// `FROM=TO` replaces the exact reference `FROM` (a missing tag means `latest`); a `FROM` ending in
/// `/` replaces that prefix, e.g. `docker.io/library/=mirror.internal/library/`.
public struct ImageMapping: Sendable, Equatable, Codable {
    public var from: String
    public var to: String

    /// Parses `FROM=TO`.
    public init(parsing text: String) throws(BerthError) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw BerthError(
                "invalid --image-map '\(text)'",
                hint: "Write FROM=TO, e.g. --image-map postgres:16=localhost/mirror/postgres:16.")
        }
        self.from = parts[0]
        self.to = parts[1]
    }

    /// Applies the first mapping that matches, else returns the reference unchanged.
    ///
    /// A prefix also matches the fully qualified form of a short Docker Hub name, so
    /// `docker.io/library/` maps `postgres:16` the way workflows usually write it.
    public static func apply(_ mappings: [ImageMapping], to reference: String) -> String {
        for mapping in mappings {
            if mapping.from.hasSuffix("/") {
                for candidate in [reference, qualified(reference)] where candidate.hasPrefix(mapping.from) {
                    return mapping.to + candidate.dropFirst(mapping.from.count)
                }
            } else if normalized(mapping.from) == normalized(reference) {
                return mapping.to
            }
        }
        return reference
    }

    /// Spells out Docker Hub's implicit registry and `library/` namespace.
    static func qualified(_ reference: String) -> String {
        let components = reference.split(separator: "/", maxSplits: 1)
        let first = components.first.map(String.init) ?? ""
        let hasRegistry = components.count > 1 && (first.contains(".") || first.contains(":") || first == "localhost")
        if hasRegistry {
            return reference
        }
        return components.count == 1 ? "docker.io/library/" + reference : "docker.io/" + reference
    }

    /// The reference fully qualified and with its implicit `latest` tag, so that `postgres`,
    /// `postgres:latest` and `docker.io/library/postgres` compare equal.
    private static func normalized(_ reference: String) -> String {
        let full = qualified(reference)
        if full.contains("@") { return full }
        let lastSlash = full.lastIndex(of: "/")
        if let colon = full.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            return full
        }
        return full + ":latest"
    }

    /// True when this mapping rewrites `reference`.
    public func matches(_ reference: String) -> Bool {
        Self.apply([self], to: reference) != reference || Self.normalized(from) == Self.normalized(reference)
    }
}

/// When to pull a service image.
public enum PullPolicy: String, Sendable, Codable, CaseIterable {
    /// Never pull; a missing image is an error.
    case never
    /// Pull only images the daemon does not have.
    case missing
    /// Pull every image before starting.
    case always
}
