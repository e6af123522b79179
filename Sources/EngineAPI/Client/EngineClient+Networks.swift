import Foundation

extension EngineClient {
    /// Creates a network and returns its id.
    ///
    /// Route: `POST /networks/create`.
    public func createNetwork(_ request: NetworkCreateRequest) async throws -> String {
        let response: NetworkCreateResponse = try await post("/networks/create", json: request)
        return response.id
    }

    /// Reads a network, with the containers attached to it.
    ///
    /// Route: `GET /networks/{id}`.
    public func inspectNetwork(_ idOrName: String) async throws -> NetworkInspect {
        try await get("/networks/\(idOrName)")
    }

    /// Lists networks matching `filters`. The list route leaves `Containers` empty; inspect a
    /// network to see its endpoints.
    ///
    /// Route: `GET /networks?filters=…`.
    public func listNetworks(filters: [String: [String]] = [:]) async throws -> [NetworkInspect] {
        try await get("/networks", query: Self.filters(filters).map { [$0] } ?? [])
    }

    /// Attaches a container to a network, with optional aliases.
    ///
    /// Route: `POST /networks/{id}/connect`.
    public func connectNetwork(_ network: String, container: String, aliases: [String]? = nil) async throws {
        struct Body: Encodable {
            var container: String
            var endpointConfig: EndpointSettings?
            enum CodingKeys: String, CodingKey {
                case container = "Container", endpointConfig = "EndpointConfig"
            }
        }
        let body = Body(container: container, endpointConfig: aliases.map { EndpointSettings(aliases: $0) })
        _ = try await call("POST", "/networks/\(network)/connect", body: try encode(body))
    }

    /// Detaches a container from a network; one not attached, or gone, counts as detached.
    ///
    /// Route: `POST /networks/{id}/disconnect` with `Force`, which also drops endpoints of
    /// containers that no longer exist.
    public func disconnectNetwork(_ network: String, container: String, force: Bool = true) async throws {
        struct Body: Encodable {
            var container: String
            var force: Bool
            enum CodingKeys: String, CodingKey {
                case container = "Container", force = "Force"
            }
        }
        do {
            _ = try await call(
                "POST", "/networks/\(network)/disconnect", body: try encode(Body(container: container, force: force)))
        } catch let error as EngineError where error.isNotFound || Self.isNotConnected(error) {
            return
        }
    }

    /// Removes a network; one already gone counts as removed.
    ///
    /// Route: `DELETE /networks/{id}`. A network with endpoints left fails with 403 "has active
    /// endpoints".
    public func removeNetwork(_ idOrName: String) async throws {
        do {
            _ = try await call("DELETE", "/networks/\(idOrName)")
        } catch let error as EngineError where error.isNotFound {
            return
        }
    }

    static func isNotConnected(_ error: EngineError) -> Bool {
        error.code == .daemon
            && (error.message.contains("is not connected") || error.message.contains("not connected to"))
    }
}
