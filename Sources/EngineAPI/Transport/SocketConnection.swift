import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A blocking stream socket to the daemon, Unix or TCP.
///
/// Concurrency model: one connection serves one request at a time, owned by the request that checked it out
/// of the pool. Only `shutdown()` may be called from another thread, to abort a blocked read when a
/// task is cancelled; the descriptor itself is closed once, under `state`.
final class SocketConnection: Sendable {
    private let state: Mutex<Int32>
    private let host: DockerHost

    private init(descriptor: Int32, host: DockerHost) {
        self.state = Mutex(descriptor)
        self.host = host
    }

    deinit {
        close()
    }

    /// Opens a connection, giving up after `timeout` seconds for TCP.
    static func connect(to host: DockerHost, timeout: Double) throws(EngineError) -> SocketConnection {
        switch host {
        case .unix(let path):
            return try connectUnix(path: path, host: host)
        case .tcp(let name, let port):
            return try connectTCP(name: name, port: port, host: host, timeout: timeout)
        }
    }

    private static func connectUnix(path: String, host: DockerHost) throws(EngineError) -> SocketConnection {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < capacity else {
            throw EngineError.unreachable(host, reason: "the socket path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
            buffer[pathBytes.count] = 0
        }

        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw EngineError.unreachable(host, reason: Self.errnoText())
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                retryingOnInterrupt {
                    Glibc.connect(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
        guard result == 0 else {
            let reason = Self.errnoText()
            Glibc.close(descriptor)
            throw EngineError.unreachable(host, reason: reason)
        }
        return SocketConnection(descriptor: descriptor, host: host)
    }

    private static func connectTCP(name: String, port: Int, host: DockerHost, timeout: Double) throws(EngineError)
        -> SocketConnection
    {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw EngineError.unreachable(host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }

        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                lastError = errnoText()
                continue
            }
            setTimeout(descriptor, option: SO_SNDTIMEO, seconds: timeout)
            if retryingOnInterrupt({ Glibc.connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) }) == 0 {
                setTimeout(descriptor, option: SO_SNDTIMEO, seconds: 0)
                var one: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return SocketConnection(descriptor: descriptor, host: host)
            }
            lastError = errnoText()
            Glibc.close(descriptor)
        }
        throw EngineError.unreachable(host, reason: lastError)
    }

    /// Sets the receive timeout for the following reads; 0 waits forever.
    func setReadTimeout(_ seconds: Double) {
        state.withLock { descriptor in
            if descriptor >= 0 {
                Self.setTimeout(descriptor, option: SO_RCVTIMEO, seconds: seconds)
            }
        }
    }

    /// Writes all bytes, retrying on `EINTR`; never raises `SIGPIPE`.
    func write(_ bytes: [UInt8]) throws(EngineError) {
        let descriptor = state.withLock { $0 }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                retryingOnInterrupt {
                    Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            guard written > 0 else {
                throw EngineError.unreachable(host, reason: "write failed: \(Self.errnoText())")
            }
            offset += written
        }
    }

    /// Reads up to `maximum` bytes; an empty result means the peer closed the stream.
    func read(maximum: Int = 65536) throws(EngineError) -> [UInt8] {
        let descriptor = state.withLock { $0 }
        guard descriptor >= 0 else {
            throw EngineError(code: .cancelled, message: "the connection to the Docker daemon was closed")
        }
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes { raw in
            retryingOnInterrupt { Glibc.recv(descriptor, raw.baseAddress, maximum, 0) }
        }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw EngineError(code: .timedOut, message: "the Docker daemon stopped responding")
            }
            throw EngineError.unreachable(host, reason: "read failed: \(Self.errnoText())")
        }
        return Array(buffer[0..<count])
    }

    /// Signals end of input to the peer (stdin EOF on hijacked streams).
    func closeWrite() {
        state.withLock { descriptor in
            if descriptor >= 0 {
                _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
            }
        }
    }

    /// Wakes any blocked read or write, from any thread; the owner then sees an error or EOF.
    func shutdown() {
        state.withLock { descriptor in
            if descriptor >= 0 {
                _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
            }
        }
    }

    /// Closes the descriptor once.
    func close() {
        state.withLock { descriptor in
            if descriptor >= 0 {
                Glibc.close(descriptor)
                descriptor = -1
            }
        }
    }

    private static func setTimeout(_ descriptor: Int32, option: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// Repeats a system call while it fails with `EINTR`.
func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result == -1 && errno == EINTR {
            continue
        }
        return result
    }
}
