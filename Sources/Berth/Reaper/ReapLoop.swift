import EngineAPI
import Foundation

/// The body of `berth reap`, running inside a reaper container: wait for the owner to die, then
/// remove the session.
public struct ReapLoop: Sendable {
    let engine: EngineClient
    let reporter: Reporter
    let session: String
    let watch: ReaperWatch
    /// Seconds between checks of a watched container or process.
    var pollInterval = 1.0
    /// Seconds of further passes after the first removal, for resources whose creation was still in
    /// flight when the owner died.
    var settleTime = 5.0

    /// Creates a loop.
    public init(engine: EngineClient, reporter: Reporter, session: String, watch: ReaperWatch) {
        self.engine = engine
        self.reporter = reporter
        self.session = session
        self.watch = watch
    }

    /// Waits for the owner to die, then removes the session (except reaper containers, so this
    /// one can finish; `AutoRemove` removes it when it exits).
    ///
    /// A create request that the owner sent just before dying can still complete in the daemon
    /// after the first pass, so passes repeat every `pollInterval` until `settleTime` has gone by.
    public func run() async throws -> DownReport {
        try await waitForOwnerDeath()
        reporter.info("owner of session \(session) is gone; removing the session")
        let manager = SessionManager(engine: engine, reporter: reporter, environment: [:])
        var report = try await manager.down(session: session, keepingReapers: true)

        let deadline = ContinuousClock.now + .seconds(settleTime)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(pollInterval))
            let late = try await manager.down(session: session, keepingReapers: true)
            report.containers += late.containers
            report.networks += late.networks
            report.volumes += late.volumes
            report.detached += late.detached
        }
        return report
    }

    private func waitForOwnerDeath() async throws {
        switch watch {
        case .connection:
            await waitForEndOfInput()
        case .container(let id):
            while try await containerAlive(id) {
                try await Task.sleep(for: .seconds(pollInterval))
            }
        case .process(let pid, let ticks):
            while ProcessTable.startTicks(of: pid) == ticks {
                try await Task.sleep(for: .seconds(pollInterval))
            }
        }
    }

    private func waitForEndOfInput() async {
        _ = try? await runBlocking { _ in
            while !FileHandle.standardInput.availableData.isEmpty {}
        }
    }

    private func containerAlive(_ id: String) async throws -> Bool {
        do {
            return try await engine.inspectContainer(id).state.running
        } catch let error as EngineError where error.isNotFound {
            return false
        } catch let error as EngineError where error.code == .unreachable || error.code == .timedOut {
            reporter.warning("cannot check the owner container: \(error.message); retrying")
            return true
        }
    }
}
