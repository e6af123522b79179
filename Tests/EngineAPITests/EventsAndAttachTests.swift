import Foundation
import Testing

@testable import EngineAPI

/// The event stream and held stdin attachments, against a stub daemon.
@Suite("Events and attach", .timeLimit(.minutes(1)))
struct EventsAndAttachTests {
    @Test("Events arrive in order until the reader stops")
    func eventsUntilReaderStops() async throws {
        let lines = [
            #"{"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"berth.session":"s"}}}"#,
            #"{"Type":"container","Action":"die","Actor":{"ID":"c1"}}"#,
            #"{"Type":"container","Action":"destroy","Actor":{"ID":"c1"}}"#,
        ]
        let body = lines.map { line in "\(String(line.utf8.count + 1, radix: 16))\r\n\(line)\n\r\n" }
        let server = try StubServer { request in
            request.path == "/_ping"
                ? .ping(apiVersion: "1.41")
                : StubReply(
                    pieces: (["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"] + body).map { Array($0.utf8) })
        }
        defer { server.stop() }
        let events = Collected<EngineEvent>()

        try await EngineClient(stub: server).events(filters: ["label": ["berth.session=s"]]) { event in
            events.append(event)
            return event.action != "die"
        }

        #expect(events.values.map(\.action) == ["start", "die"])
        #expect(events.values.first?.actor?.attributes == ["berth.session": "s"])
        #expect(
            server.requests.last?.target == "/v1.41/events?filters=%7B%22label%22%3A%5B%22berth.session%3Ds%22%5D%7D")
    }

    @Test("Event stream error status is a daemon error")
    func eventsError() async throws {
        let server = try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : .json(400, #"{"message":"invalid filter 'x'"}"#)
        }
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).events(filters: ["x": ["y"]]) { _ in true }
        }

        #expect(error?.status == 400)
        #expect(error?.message == "invalid filter 'x'")
    }

    @Test("Held stdin stays open until closed")
    func attachHeldUntilClosed() async throws {
        let closed = DispatchSemaphore(value: 0)
        let server = try StubServer { connection, server in
            server.serveRequests(on: connection) { request in
                request.path == "/_ping"
                    ? .ping(apiVersion: "1.41")
                    : .raw("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n")
            }
            if connection.index == 1 {
                closed.signal()
            }
        }
        defer { server.stop() }

        let attachment = try await EngineClient(stub: server).attachStdin("reaper")
        let openBeforeClose = closed.wait(timeout: .now()) == .timedOut
        attachment.close()

        #expect(openBeforeClose)
        #expect(closed.wait(timeout: .now() + 10) == .success)
        #expect(server.requests.last?.requestLine == "POST /v1.41/containers/reaper/attach?stream=1&stdin=1 HTTP/1.1")
        #expect(server.requests.last?.header("Upgrade") == "tcp")
    }

    @Test("Attach to a missing container is not found")
    func attachNotFound() async throws {
        let server = try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : .json(404, #"{"message":"No such container: gone"}"#)
        }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).attachStdin("gone") }

        #expect(error?.isNotFound == true)
        #expect(error?.message == "No such container: gone")
    }
}
