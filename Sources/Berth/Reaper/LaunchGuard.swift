import EngineAPI
import Foundation

/// Covers the moments before a session's reaper runs: the body of `berth reap --launch-guard`,
/// a process that the starting Berth spawns and signals through its stdin once the reaper's start
/// is sent.
///
/// Berth creates the reaper, attaches to it and then sends its start. A Berth killed in between
/// leaves a reaper that was created but never started, and nothing else of the session, because
/// the session network comes after the start. When its stdin ends without that message, the guard
/// removes such a reaper: only one carrying its launch token, so a reaper of another session with
/// the same id is never touched.
public struct LaunchGuard: Sendable {
    let engine: EngineClient
    let reporter: Reporter
    let session: String
    let token: String
    /// Seconds to wait before each look at the reaper, because a create that Berth sent just
    /// before dying can still complete in the daemon.
    var checkDelays = [0.5, 1.5, 3.0]

    /// The result of one look at the reaper.
    public enum Outcome: Sendable, Equatable {
        /// No reaper with this token exists yet.
        case absent
        /// The reaper started, so it removes the session itself.
        case started
        /// The reaper never started and was removed.
        case removed
    }

    /// Creates a guard for `session`'s reaper with the launch token `token`.
    public init(engine: EngineClient, reporter: Reporter, session: String, token: String) {
        self.engine = engine
        self.reporter = reporter
        self.session = session
        self.token = token
    }

    /// Looks for the unstarted reaper a few times and removes it; returns the last outcome.
    public func run() async throws -> Outcome {
        var outcome = Outcome.absent
        for delay in checkDelays {
            try await Task.sleep(for: .seconds(delay))
            outcome = try await removeUnstartedReaper()
            if outcome != .absent {
                break
            }
        }
        return outcome
    }

    /// Removes the session's reaper if it carries this guard's token and never started.
    ///
    /// Routes: `GET /containers/{name}/json`, then `DELETE /containers/{id}?force=true&v=true`.
    public func removeUnstartedReaper() async throws -> Outcome {
        let inspect: ContainerInspect
        do {
            inspect = try await engine.inspectContainer(SessionID.reaperName(session))
        } catch let error as EngineError where error.isNotFound {
            return .absent
        }
        guard inspect.config.labels?[BerthLabel.launch] == token else {
            return .absent
        }
        guard inspect.state.status == "created" else {
            return .started
        }

        reporter.info("removing the unstarted reaper of session \(session), whose Berth process died")
        do {
            try await engine.removeContainer(inspect.id, force: true, removeVolumes: true)
        } catch let error as EngineError where error.isNotFound {
            return .absent
        }
        return .removed
    }
}
