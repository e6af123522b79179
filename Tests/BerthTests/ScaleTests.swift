import Berth
import EngineAPI
import Foundation
import Testing

/// Many sessions on one stock daemon.
@Suite("Scale", .enabled(if: TestEnvironment.engineAvailable), .serialized)
struct ScaleTests {
    @Test("20 concurrent berth run sessions with PostgreSQL all succeed", .timeLimit(.minutes(8)))
    func twentyRuns() async throws {
        let sessions = (0..<20).map { TestEnvironment.uniqueName("scale\($0)") }
        defer { Task { for session in sessions { await Leftovers.remove(session: session) } } }

        let results = try await withThrowingTaskGroup(of: (String, BerthProcess.Result).self) { group in
            for session in sessions {
                group.addTask {
                    let result = try await BerthProcess.run([
                        "run", "--workflow", TestEnvironment.workflow00, "--session", session, "--wait-timeout", "400",
                        "--image-map", TestEnvironment.postgresImageMap, "--",
                        "sh", "-c",
                        "PGPASSWORD=password psql -h \"$POSTGRES_HOST\" -p \"$POSTGRES_PORT\" -U postgres -tAc 'select 1'",
                    ])
                    return (session, result)
                }
            }
            var collected: [String: BerthProcess.Result] = [:]
            for try await (session, result) in group {
                collected[session] = result
            }
            return collected
        }

        for session in sessions {
            let result = try #require(results[session])
            #expect(result.status == 0, "\(session): \(result.stderr)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(session)")
            #expect(try await Leftovers.of(session: session).isEmpty, "\(session) left resources")
        }
    }

    @Test("200 session networks exist at once on stock address pools", .timeLimit(.minutes(5)))
    func twoHundredNetworks() async throws {
        let engine = TestEnvironment.engine()
        let manager = SessionManager(engine: engine, reporter: .silent, environment: [:])
        let prefix = TestEnvironment.uniqueName("net")
        let sessions = (0..<200).map { "\(prefix)-\($0)" }
        let owner = try #require(SessionOwner.hostProcess(getpid()))
        defer { Task { for session in sessions { await Leftovers.remove(session: session) } } }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, session) in sessions.enumerated() {
                if index >= 16 { try await group.next() }
                group.addTask {
                    try await manager.createSessionNetwork(
                        SessionID.networkName(session), session: session, owner: owner, allocator: try SubnetAllocator()
                    )
                }
            }
            try await group.waitForAll()
        }

        var subnets = Set<String>()
        for session in sessions {
            let network = try await engine.inspectNetwork(SessionID.networkName(session))
            subnets.insert(network.ipam?.config?.first?.subnet ?? "")
        }
        #expect(subnets.count == 200)
        #expect(subnets.allSatisfy { $0.hasSuffix("/27") })
        for session in sessions {
            _ = try await manager.down(session: session)
        }
        for session in sessions.prefix(5) {
            #expect(try await Leftovers.of(session: session).isEmpty)
        }
    }
}
