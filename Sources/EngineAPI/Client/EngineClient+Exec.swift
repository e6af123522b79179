import Foundation

extension EngineClient {
    /// Runs a command inside a running container and captures its output and exit status.
    ///
    /// Routes: `POST /containers/{id}/exec`, then `POST /exec/{id}/start` upgraded to a raw stream
    /// (`Connection: Upgrade`, `Upgrade: tcp`) that is read to its end, then `GET /exec/{id}/json`
    /// for the exit code. `timeout` bounds the wait for output; a command still running then is
    /// left to finish inside the container and the call fails with `.timedOut`.
    public func exec(
        _ container: String, command: [String], user: String? = nil, environment: [String]? = nil, timeout: Double
    ) async throws -> ExecResult {
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        struct StartBody: Encodable {
            var detach = false
            var tty = false
            enum CodingKeys: String, CodingKey {
                case detach = "Detach", tty = "Tty"
            }
        }

        let created: Created = try await post(
            "/containers/\(container)/exec", json: ExecCreateRequest(cmd: command, user: user, env: environment))

        let request = HTTPRequest(
            method: "POST", target: try await target("/exec/\(created.id)/start"),
            headers: [("Content-Type", "application/json"), ("Connection", "Upgrade"), ("Upgrade", "tcp")],
            body: try encode(StartBody()))
        let transport = self.transport
        let output = try await runBlocking { token in
            // Berth never requests a TTY here, so the output is always multiplexed.
            try Self.collectOutput(
                transport: transport, request: request, timeout: timeout, token: token, alwaysMultiplexed: true)
        }

        let inspect: ExecInspect = try await get("/exec/\(created.id)/json")
        return ExecResult(
            exitCode: inspect.running ? nil : inspect.exitCode, stdout: output.stdout, stderr: output.stderr)
    }
}
