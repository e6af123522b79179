import EngineAPI
import Foundation

/// Waits until a service container is ready, faster than Docker's own health schedule.
///
/// Docker runs a health command first after one `--health-interval` (10 s in typical workflows),
/// and GitHub's runner then polls with a 2 s to 32 s backoff. Berth instead probes every exposed
/// TCP port from where it runs every 20 ms, because a refused connect is cheap. Once they all
/// accept, it runs the service's own health command through exec, from 50 ms apart backing off
/// gently to 100 ms. Ports it cannot reach are checked through exec on that slower schedule.
/// The service is ready when that command passes after the ports opened. The order matters: a health command can
/// pass while a server listens only on its Unix socket (the PostgreSQL image's initialisation
/// server does, then restarts), and a port can accept while the server behind it still rejects
/// clients, so neither signal alone is enough. Probing ports first also keeps execs, which cost
/// the daemon far more than a TCP connect, to one or two per service.
///
/// An image may expose a port nothing listens on, so once ports have refused for `portGrace`
/// seconds, the health command also runs every few seconds while they refuse; if it then keeps
/// passing for another `portGrace` seconds, the service is called ready with a warning. A single
/// pass is not enough, because a slow PostgreSQL start spends seconds in its socket-only phase.
struct ReadinessProbe: Sendable {
    /// The address and port at which Berth reaches one exposed TCP port.
    struct Target: Sendable {
        /// The address to connect to. It is nil when Berth cannot route to the container, and
        /// then the port is checked for a listening socket from inside the container instead.
        var host: String?
        var port: Int
        var containerPort: Int
    }

    let engine: EngineClient
    let reporter: Reporter
    let containerID: String
    let service: String
    /// The exec form of the health command, or nil when the service has none.
    let healthCommand: [String]?
    let healthTimeout: Double
    let targets: [Target]
    var firstDelay = 0.05
    var maximumDelay = 0.1
    /// Seconds between TCP probes while a port that Berth can reach still refuses.
    var portProbeInterval = 0.02
    var portGrace = 10.0
    /// Seconds between checks that the container still runs.
    var stateInterval = 1.0
    /// Seconds between health commands while ports still refuse after `portGrace`.
    var closedPortHealthInterval = 2.0

    /// Waits until the service is ready. Throws a `BerthError` with the last health output and log
    /// lines when the container exits, restarts, or the deadline passes.
    func wait(deadline: ContinuousClock.Instant) async throws {
        var delay = firstDelay
        var lastHealthOutput = ""
        var openPorts = Set<Int>()
        var lastStateCheck: ContinuousClock.Instant?
        let started = ContinuousClock.now
        var lastClosedPortHealth = started
        var passingWhileClosedSince: ContinuousClock.Instant?

        while true {
            try Task.checkCancellation()
            if lastStateCheck.map({ ContinuousClock.now - $0 >= .seconds(stateInterval) }) ?? true {
                try await checkStillRunning(healthOutput: lastHealthOutput)
                lastStateCheck = .now
            }

            await probe(&openPorts)
            let portsReady = openPorts.count == targets.count

            if let command = healthCommand {
                if portsReady {
                    let (passed, output) = await runHealthCommand(command, deadline: deadline)
                    lastHealthOutput = output
                    if passed {
                        return
                    }
                } else if ContinuousClock.now - started >= .seconds(portGrace),
                    ContinuousClock.now - lastClosedPortHealth >= .seconds(closedPortHealthInterval)
                {
                    let (passed, output) = await runHealthCommand(command, deadline: deadline)
                    lastHealthOutput = output
                    lastClosedPortHealth = .now
                    passingWhileClosedSince = passed ? (passingWhileClosedSince ?? .now) : nil
                    if let since = passingWhileClosedSince, ContinuousClock.now - since >= .seconds(portGrace) {
                        reporter.warning(
                            "service \(service): health check passes but port \(closedPorts(openPorts)) does not accept connections; continuing"
                        )
                        return
                    }
                }
            } else if portsReady {
                return
            }

            if ContinuousClock.now >= deadline {
                let reason =
                    portsReady
                    ? "health check did not pass in time"
                    : "port \(closedPorts(openPorts)) did not accept connections in time"
                throw await failure(
                    reason: reason, healthOutput: lastHealthOutput,
                    hint: "Check the service's image, env and options; raise --wait-timeout if it is just slow.")
            }
            let probingByConnect = targets.allSatisfy { $0.host != nil || openPorts.contains($0.containerPort) }
            if !portsReady && probingByConnect {
                try await Task.sleep(for: .seconds(portProbeInterval))
            } else {
                try await Task.sleep(for: .seconds(delay))
                delay = min(delay * 1.2, maximumDelay)
            }
        }
    }

    /// Throws when the container has exited or restarted.
    private func checkStillRunning(healthOutput: String) async throws {
        let state = try await engine.inspectContainer(containerID)
        if !state.state.running || (state.restartCount ?? 0) > 0 || state.state.restarting == true {
            throw await failure(
                reason: stoppedReason(state), healthOutput: healthOutput,
                hint: "Check the service's image, env and options.")
        }
    }

    /// Adds the ports that accept now to `openPorts`.
    private func probe(_ openPorts: inout Set<Int>) async {
        let pending = targets.filter { !openPorts.contains($0.containerPort) }
        let listening = pending.contains { $0.host == nil } ? await listeningPorts() : []
        for target in pending {
            let open: Bool
            if let host = target.host {
                open = await accepts(host: host, port: target.port)
            } else {
                open = listening.contains(target.port)
            }
            if open {
                openPorts.insert(target.containerPort)
            }
        }
    }

    private func closedPorts(_ openPorts: Set<Int>) -> String {
        targets.filter { !openPorts.contains($0.containerPort) }.map { String($0.containerPort) }
            .joined(separator: ", ")
    }

    private func accepts(host: String, port: Int) async -> Bool {
        (try? await runBlocking { _ in TCPProbe.accepts(host: host, port: port, timeout: 1) }) ?? false
    }

    /// Returns the TCP ports with a listening socket inside the container, read from its
    /// `/proc/net/tcp` and `/proc/net/tcp6` through exec; empty when that fails.
    private func listeningPorts() async -> Set<Int> {
        let command = ["cat", "/proc/net/tcp", "/proc/net/tcp6"]
        guard let result = try? await engine.exec(containerID, command: command, timeout: 5) else { return [] }
        return Self.listeningPorts(inProcNetTCP: String(decoding: result.stdout, as: UTF8.self))
    }

    /// Parses `/proc/net/tcp` text: the local address is `HEXIP:HEXPORT` and state `0A` is LISTEN.
    static func listeningPorts(inProcNetTCP text: String) -> Set<Int> {
        var ports = Set<Int>()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16)
            else { continue }
            ports.insert(port)
        }
        return ports
    }

    private func runHealthCommand(_ command: [String], deadline: ContinuousClock.Instant) async -> (Bool, String) {
        let remaining = deadline - .now
        let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
        let timeout = max(1, min(healthTimeout, seconds))
        do {
            let result = try await engine.exec(containerID, command: command, timeout: timeout)
            return (result.exitCode == 0, result.combinedOutput)
        } catch let error as EngineError {
            return (false, error.message)
        } catch {
            return (false, "\(error)")
        }
    }

    private func stoppedReason(_ inspect: ContainerInspect) -> String {
        if inspect.state.running {
            return "container restarted"
        }
        var reason = "container exited with status \(inspect.state.exitCode ?? -1)"
        if inspect.state.oomKilled == true {
            reason += " (killed: out of memory)"
        }
        if let error = inspect.state.error, !error.isEmpty {
            reason += ": \(error)"
        }
        return reason
    }

    private func failure(reason: String, healthOutput: String, hint: String) async -> BerthError {
        let logs = (try? await engine.containerLogs(containerID, tail: 20)) ?? ""
        var details: [String] = []
        if !healthOutput.isEmpty {
            details.append("last health check output:\n" + indent(healthOutput))
        }
        if !logs.isEmpty {
            details.append("last log lines of \(service):\n" + indent(logs))
        }
        return BerthError(
            "service \(service) is not ready: \(reason)",
            hint: hint,
            details: details.isEmpty ? nil : details.joined(separator: "\n"))
    }

    private func indent(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n")
    }

    /// Converts an Engine API health test to the command exec runs, or nil when there is none.
    static func command(fromHealthTest test: [String]?) -> [String]? {
        guard let test, let kind = test.first else { return nil }
        switch kind {
        case "CMD-SHELL": return test.count > 1 ? ["/bin/sh", "-c", test[1]] : nil
        case "CMD": return test.count > 1 ? Array(test.dropFirst()) : nil
        default: return nil
        }
    }
}
