import Berth
import EngineAPI
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The command `berth run` wraps, started with `posix_spawnp` and the inherited terminal.
struct ChildProcess: Sendable {
    let pid: pid_t

    /// Starts `arguments` with `environment`; a missing program is a `BerthError`.
    static func spawn(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        guard let program = arguments.first else {
            throw BerthError("no command given after --", hint: "Write berth run [options] -- COMMAND [ARGUMENTS].")
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        // The child starts with default signal handling even though Berth ignores some signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid = pid_t()
        let status = posix_spawnp(&pid, program, nil, &attributes, argv, envp)
        guard status == 0 else {
            throw BerthError(
                "cannot start '\(program)': \(String(cString: strerror(status)))",
                hint: "Check that the command exists and is on PATH.")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end and returns its exit status, 128+n when signal n killed it.
    func wait() async -> Int32 {
        let pid = self.pid
        let status = try? await runBlocking { _ -> Int32 in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            return raw
        }
        guard let status else { return 1 }
        let signal = status & 0x7f
        if signal == 0 {
            return (status >> 8) & 0xff
        }
        return 128 + signal
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }
}

/// Turns SIGINT, SIGTERM and SIGHUP into calls of a handler instead of ending Berth at once, so
/// a session is always removed.
final class SignalTrap: @unchecked Sendable {
    // Safe because `sources` is written once in init and only cancelled in `cancel()`.
    private var sources: [DispatchSourceSignal] = []
    static let trapped: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    init(handler: @escaping @Sendable (Int32) -> Void) {
        for number in Self.trapped {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
        for number in Self.trapped {
            signal(number, SIG_DFL)
        }
    }
}
