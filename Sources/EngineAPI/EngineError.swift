import Foundation

/// A failure talking to the Docker daemon.
///
/// Errors from the daemon keep its HTTP status and its own message, so callers can branch on
/// `status` (404, 409, …) and users see the daemon's words. `hint` tells the user what to do next.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad kind of failure.
    public enum Code: Sendable, Equatable {
        /// The daemon address is malformed or unsupported.
        case invalidHost
        /// Connecting to the daemon failed.
        case unreachable
        /// The daemon responded with an error status.
        case daemon
        /// The daemon reported an error inside a streamed body (pull, build).
        case stream
        /// The response could not be parsed.
        case malformedResponse
        /// No response within the time allowed.
        case timedOut
        /// The daemon's API version is outside what Berth supports.
        case unsupportedVersion
        /// The operation was cancelled by the caller.
        case cancelled
    }

    /// The kind of failure.
    public var code: Code
    /// One sentence naming what failed and on which value.
    public var message: String
    /// The HTTP status for `.daemon` errors.
    public var status: Int?
    /// The request that failed, e.g. `POST /containers/create`.
    public var request: String?
    /// What the user can do about it.
    public var hint: String?

    /// Creates an error; prefer the named constructors.
    public init(code: Code, message: String, status: Int? = nil, request: String? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.request = request
        self.hint = hint
    }

    /// True when the daemon responded with 404.
    public var isNotFound: Bool { code == .daemon && status == 404 }
    /// True when the daemon responded with 409.
    public var isConflict: Bool { code == .daemon && status == 409 }
    /// True when the daemon responded with 304 (already started, already stopped).
    public var isNotModified: Bool { code == .daemon && status == 304 }

    public var description: String {
        var text = message
        if let hint {
            text += "\n" + hint
        }
        return text
    }
}

extension EngineError {
    static func invalidHost(_ address: String, reason: String) -> EngineError {
        EngineError(
            code: .invalidHost, message: "invalid Docker host '\(address)': \(reason)",
            hint: "Use unix:///path/to/docker.sock or tcp://127.0.0.1:2375 with --host or DOCKER_HOST.")
    }

    static func unreachable(_ host: DockerHost, reason: String) -> EngineError {
        let denied = reason.contains("Permission denied")
        return EngineError(
            code: .unreachable, message: "cannot connect to the Docker daemon at \(host): \(reason)",
            hint: denied
                ? "Add this user to the socket's group; in a container, start it with --group-add and the socket's group id (stat -c %g on the socket)."
                : "Start the daemon, or point --host / DOCKER_HOST at a socket you can open.")
    }

    static func malformed(_ what: String, request: String?) -> EngineError {
        EngineError(
            code: .malformedResponse, message: "malformed response from the Docker daemon: \(what)", request: request)
    }

    static func timedOut(_ request: String, seconds: Double) -> EngineError {
        // Whole seconds print without a fraction; shorter timeouts must not read as "within 0 s".
        let duration = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        return EngineError(
            code: .timedOut, message: "the Docker daemon did not respond to \(request) within \(duration) s",
            request: request, hint: "Check that the daemon is healthy (docker info).")
    }
}
