import Foundation

/// A failure of a Berth operation, in words a user can act on.
///
/// `message` is one sentence naming what failed and the value involved; `hint` is the fix;
/// `details` carries supporting text such as a service's last log lines.
public struct BerthError: Error, Sendable, CustomStringConvertible {
    /// What failed, naming the value.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// Supporting output, printed after the message.
    public var details: String?
    /// True when the session id is taken by another session, whose resources must be left alone.
    public internal(set) var isSessionConflict = false

    /// Creates an error.
    public init(_ message: String, hint: String? = nil, details: String? = nil) {
        self.message = message
        self.hint = hint
        self.details = details
    }

    public var description: String {
        [message, hint, details].compactMap { $0 }.joined(separator: "\n")
    }
}
