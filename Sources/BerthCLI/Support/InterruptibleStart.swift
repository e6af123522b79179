import Berth
import Foundation

/// Starts a session so that SIGINT, SIGTERM or SIGHUP during the start removes what was created
/// instead of ending Berth halfway; used by `up` and `run`.
enum InterruptibleStart {
    /// How a start ended.
    enum Outcome {
        case started(StartedSession)
        /// A signal arrived; the session is removed and this is the exit status (128+n).
        case interrupted(Int32)
    }

    static func up(
        _ request: UpRequest, manager: SessionManager, controller: RunController, context: CommandContext
    ) async throws -> Outcome {
        let (request, launchGuard) = guarded(request, context: context)
        defer { launchGuard?.close() }
        let upTask = Task { try await manager.up(request) }
        controller.onSignalDuringStart { upTask.cancel() }

        let started: StartedSession
        do {
            started = try await upTask.value
        } catch {
            guard let signal = controller.receivedSignal else { throw error }
            context.reporter.info("interrupted by signal \(signal) while starting; the session was removed")
            return .interrupted(128 + signal)
        }

        // A signal that arrived just as the start finished still ends the session.
        if let signal = controller.receivedSignal {
            _ = try await manager.down(session: started.info.session)
            started.reaper?.release()
            context.reporter.info("interrupted by signal \(signal) while starting; the session was removed")
            return .interrupted(128 + signal)
        }
        return .started(started)
    }

    /// Starts a launch guard for the request's reaper, so that even a `kill -9` of Berth before
    /// the reaper runs leaves nothing behind. The session id is fixed here because the guard needs it.
    private static func guarded(_ request: UpRequest, context: CommandContext) -> (UpRequest, LaunchGuardProcess?) {
        guard request.reaper, context.environment["BERTH_NO_REAPER"] != "1" else {
            return (request, nil)
        }
        var guardedRequest = request
        let session = request.sessionID ?? SessionID.generate()
        let token = SessionID.generate()
        guardedRequest.sessionID = session
        guardedRequest.launchToken = token

        let launchGuard = LaunchGuardProcess.start(session: session, token: token, context: context)
        guardedRequest.onReaperStartSent = { launchGuard?.release() }
        return (guardedRequest, launchGuard)
    }
}
