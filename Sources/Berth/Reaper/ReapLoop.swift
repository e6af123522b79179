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
    /// How many service containers the session has once started; nil when unknown.
    var serviceCount: Int?
    /// Seconds of further passes after the first removal, for resources whose creation was still in
    /// flight when the owner died.
    var settleTime = 3.0
    /// Seconds between those passes.
    var settleInterval = 0.5

    /// Creates a loop; `serviceCount` lets it skip the further passes for a session that had started.
    public init(
        engine: EngineClient, reporter: Reporter, session: String, watch: ReaperWatch, serviceCount: Int? = nil
    ) {
        self.engine = engine
        self.reporter = reporter
        self.session = session
        self.watch = watch
        self.serviceCount = serviceCount
    }

    /// Waits for the owner to die, then removes the session (except reaper containers, so this
    /// one can finish; `AutoRemove` removes it when it exits).
    ///
    /// A create request that the owner sent just before dying can still complete in the daemon
    /// after the first pass. So unless the session was complete (its network and every service
    /// container existed), passes repeat every `settleInterval` until `settleTime` has gone by.
    public func run() async throws -> DownReport {
        try await waitForOwnerDeath()
        reporter.info("owner of session \(session) is gone; removing the session")
        let complete = try await sessionIsComplete()
        let manager = SessionManager(engine: engine, reporter: reporter, environment: [:])
        var report = try await manager.down(session: session, keepingReapers: true)

        let deadline = ContinuousClock.now + .seconds(complete ? 0 : settleTime)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(settleInterval))
            report.append(contentsOf: try await manager.down(session: session, keepingReapers: true))
        }
        return report
    }

    /// Returns whether the session network and all service containers exist, so that no create
    /// of this session can still be in flight.
    ///
    /// Routes: `GET /networks` and `GET /containers/json`, filtered by the session's labels.
    private func sessionIsComplete() async throws -> Bool {
        guard let serviceCount else {
            return false
        }
        let sessionLabel = "\(BerthLabel.session)=\(session)"
        let networks = try await engine.listNetworks(filters: ["label": [sessionLabel]])
        let services = try await engine.listContainers(
            all: true, filters: ["label": [sessionLabel, "\(BerthLabel.role)=service"]])
        return !networks.isEmpty && services.count >= serviceCount
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
