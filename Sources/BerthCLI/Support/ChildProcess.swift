import Berth
import EngineAPI
import Foundation
import SystemShims

#if canImport(Glibc)
    import Glibc
#endif

/// The command `berth run` wraps, started with `posix_spawn` and the inherited terminal.
///
/// The command starts through Berth's own binary (`berth __child PARENT COMMAND…`), which asks the
/// kernel for SIGTERM when its parent dies and then executes the command, so a `kill -9` of
/// Berth does not leave the command running against services that are gone. The kernel ties
/// that signal to the thread that spawned the child, so one dedicated thread spawns the child and
/// waits for it.
struct ChildProcess: Sendable {
    let pid: pid_t

    /// The hidden first argument that makes `berth` act as the trampoline.
    static let trampolineWord = "__child"

    /// Runs `arguments` to its end and returns its exit status, 128+n when signal n killed it.
    /// `onStart` receives the child as soon as it runs, for forwarding signals.
    static func run(
        _ arguments: [String], environment: [String: String], onStart: @escaping @Sendable (ChildProcess) -> Void
    ) async throws -> Int32 {
        guard !arguments.isEmpty else {
            throw BerthError("no command given after --", hint: "Write berth run [options] -- COMMAND [ARGUMENTS].")
        }
        let parent = getpid()
        let raw = try await runBlocking { _ -> Int32 in
            let child = try spawn(
                ["/proc/self/exe", trampolineWord, String(parent)] + arguments, environment: environment)
            onStart(child)
            var status: Int32 = 0
            while waitpid(child.pid, &status, 0) == -1 && errno == EINTR {}
            return status
        }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Returns whether `execvp` would find `name`: a path with a slash is checked as given, and a
    /// bare name in each directory of `path` (an empty entry is the working directory). Without a
    /// PATH, glibc searches a default list of its own, so this returns true.
    static func isExecutable(_ name: String, path: String?) -> Bool {
        if name.contains("/") {
            return access(name, X_OK) == 0
        }
        guard let path else {
            return true
        }
        return path.split(separator: ":", omittingEmptySubsequences: false).contains { directory in
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var status = stat()
            return stat(candidate, &status) == 0 && (status.st_mode & S_IFMT) != S_IFDIR && access(candidate, X_OK) == 0
        }
    }

    /// Calls `body` with C copies of `arguments` and `environment`, as `posix_spawn` takes them.
    static func withCStrings<Result>(
        _ arguments: [String], _ environment: [String: String],
        _ body: ([UnsafeMutablePointer<CChar>?], [UnsafeMutablePointer<CChar>?]) -> Result
    ) -> Result {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        return body(argv, envp)
    }

    private static func spawn(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {

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
        let status = withCStrings(arguments, environment) { argv, envp in
            posix_spawn(&pid, arguments[0], nil, &attributes, argv, envp)
        }
        guard status == 0 else {
            throw BerthError(
                "cannot start the command: \(String(cString: strerror(status)))",
                hint: "Check that /proc is mounted, since Berth starts commands through /proc/self/exe.")
        }
        return ChildProcess(pid: pid)
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }
}

/// The other end of `ChildProcess`: runs inside the spawned `berth __child PARENT COMMAND…`.
enum ChildTrampoline {
    /// Arranges SIGTERM on the parent's death, then replaces this process with the command.
    /// Exits 127, like a shell, when the command cannot be started.
    static func exec(_ arguments: [String]) -> Never {
        guard arguments.count >= 3, let parent = Int32(arguments[1]) else {
            FileHandle.standardError.write(Data("Error: berth __child needs PARENT COMMAND\n".utf8))
            exit(64)
        }
        _ = berth_set_parent_death_signal(SIGTERM)
        // The parent may have died before the request took effect.
        if getppid() != parent {
            exit(129)
        }

        // The Swift runtime may run this on a thread that blocks signals, and a blocked or ignored
        // signal stays so across exec, so the command gets a clean mask and default handlers.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] {
            signal(number, SIG_DFL)
        }

        let command = Array(arguments.dropFirst(2))
        let argv = command.map { strdup($0) } + [nil]
        execvp(command[0], argv)
        let reason = String(cString: strerror(errno))
        FileHandle.standardError.write(
            Data("Error: cannot start '\(command[0])': \(reason)\nCheck that the command exists and is on PATH.\n".utf8)
        )
        exit(127)
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
