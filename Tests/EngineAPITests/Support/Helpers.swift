import Foundation
import Synchronization

@testable import EngineAPI

/// Runs `body` and returns the `EngineError` it throws, or nil when it throws nothing or another error.
func engineError<T>(_ body: () throws -> T) -> EngineError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? EngineError
    }
}

/// Runs async `body` and returns the `EngineError` it throws, or nil when it throws nothing or another error.
func engineError<T>(_ body: () async throws -> T) async -> EngineError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? EngineError
    }
}

/// Runs blocking work on a thread of its own and waits for its result, so a test thread can act
/// on the work (cancel it or reply to it) while it is blocked.
final class BackgroundWork<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, EngineError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws(EngineError) -> T) {
        Thread { [self] in
            let outcome = Result { () throws(EngineError) in try work() }
            result.withLock { $0 = outcome }
            done.signal()
        }.start()
    }

    /// Waits for the work to finish; nil when `timeout` seconds pass first.
    func wait(timeout: Double = 10) -> Result<T, EngineError>? {
        guard done.wait(timeout: .now() + timeout) == .success else {
            return nil
        }
        return result.withLock { $0 }
    }
}

extension Result {
    /// The failure, or nil on success.
    var error: Failure? {
        if case .failure(let failure) = self {
            return failure
        }
        return nil
    }
}

/// Values appended from `@Sendable` callbacks, read back by the test.
final class Collected<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) {
        storage.withLock { $0.append(element) }
    }

    var values: [Element] { storage.withLock { $0 } }
}

extension EngineTransport {
    /// Creates a transport to the stub server's socket.
    convenience init(stub: StubServer) {
        self.init(host: .unix(path: stub.socketPath), connectTimeout: 5)
    }

    /// Sends a `GET` and returns the status and the body as text.
    func get(_ target: String, timeout: Double = 10) throws(EngineError) -> (status: Int, body: String) {
        let (head, body) = try send(HTTPRequest(method: "GET", target: target), timeout: timeout)
        return (head.status, String(decoding: body, as: UTF8.self))
    }
}

extension EngineClient {
    /// Creates a client of the stub server's socket.
    convenience init(stub: StubServer, requestTimeout: Double = 10) {
        self.init(host: .unix(path: stub.socketPath), requestTimeout: requestTimeout)
    }
}

/// Bytes of a multiplexed stream frame: the 8-byte header and the payload.
func frame(_ stream: UInt8, _ payload: String) -> [UInt8] {
    let bytes = Array(payload.utf8)
    let size = UInt32(bytes.count)
    return [stream, 0, 0, 0, UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        + bytes
}
